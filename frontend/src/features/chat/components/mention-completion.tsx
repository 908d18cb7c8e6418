import type { MentionOption } from '../hooks/use-mention-completion';

/** The id of the option at index i of the list listId. */
export function mentionOptionId(listId: string, i: number): string {
  return `${listId}-${i}`;
}

/**
 * The list of members offered after '@'. The text box keeps the focus
 * (arrows move the highlight, Enter or Tab picks, Escape hides it), so
 * the choices are announced through aria-activedescendant, and a click
 * picks without taking the focus away.
 */
export function MentionCompletionList(props: {
  id: string;
  options: MentionOption[];
  active: number;
  onPick: (option: MentionOption) => void;
  onHover: (i: number) => void;
}) {
  const { id, options, active, onPick, onHover } = props;
  return (
    <ul className="mention-list" id={id} role="listbox" aria-label="People to mention">
      {options.map((o, i) => (
        <li
          key={o.name}
          id={mentionOptionId(id, i)}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'mention-option active' : 'mention-option'}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(o);
          }}
          onMouseEnter={() => onHover(i)}
        >
          <span className="mention-name">@{o.name}</span> <span className="muted small">{o.label}</span>
        </li>
      ))}
    </ul>
  );
}
