import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { completeMention } from '../../../lib/mentions';
import type { Member } from '../../../lib/schemas';
import { useMentionCompletion, type MentionOption } from '../hooks/use-mention-completion';
import { MentionCompletionList, mentionOptionId } from './mention-completion';

/** The longest body the server takes. */
export const maxBodyLength = 4000;

/** How often typing is announced while someone keeps typing. */
const typingEveryMs = 3_000;

const noMembers: Member[] = [];

/**
 * The message box: Enter sends, Shift+Enter starts a new line. The body
 * goes out exactly as written; only an all-blank one is refused. Typing
 * '@' offers the room's members (mentionCandidates) to complete.
 */
export function Composer(props: {
  roomName: string;
  onSend: (body: string) => void;
  onTyping: () => void;
  disabled?: boolean;
  /** What the box is called; "Message <room>" unless given. */
  label?: string;
  mentionCandidates?: Member[] | undefined;
  roomMentions?: boolean | undefined;
}) {
  const { onSend, onTyping } = props;
  const [body, setBody] = useState('');
  const [caret, setCaret] = useState(0);
  const lastTyping = useRef(0);
  const label = props.label ?? `Message ${props.roomName}`;
  const box = useRef<HTMLTextAreaElement>(null);
  const moveCaret = useRef<number | undefined>(undefined);
  const listId = useId();
  const completion = useMentionCompletion(body, caret, props.mentionCandidates ?? noMembers, props.roomMentions === true);
  const tooLong = body.length > maxBodyLength;
  const blank = body.trim() === '';

  // A picked mention puts the caret after it once the text is rendered.
  useLayoutEffect(() => {
    const at = moveCaret.current;
    if (at === undefined || !box.current) return;
    moveCaret.current = undefined;
    box.current.setSelectionRange(at, at);
  }, [body]);

  const pick = (option: MentionOption) => {
    if (!completion.query) return;
    const next = completeMention(body, caret, completion.query, option.name);
    moveCaret.current = next.caret;
    setBody(next.text);
    setCaret(next.caret);
  };
  const completeKey = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!completion.open) return false;
    const n = completion.options.length;
    switch (e.key) {
      case 'ArrowDown':
        completion.setActive((completion.active + 1) % n);
        return true;
      case 'ArrowUp':
        completion.setActive((completion.active + n - 1) % n);
        return true;
      case 'Enter':
      case 'Tab': {
        const option = completion.options[completion.active];
        if (option) pick(option);
        return true;
      }
      case 'Escape':
        completion.dismiss();
        return true;
      default:
        return false;
    }
  };

  const send = () => {
    if (blank || tooLong || props.disabled) return;
    onSend(body);
    setBody('');
    setCaret(0);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!e.nativeEvent.isComposing && completeKey(e)) {
      e.preventDefault();
      return;
    }
    // isComposing: Enter that confirms an IME composition is not a send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };
  const onChange = (value: string, at: number) => {
    setBody(value);
    setCaret(at);
    const now = Date.now();
    if (value !== '' && now - lastTyping.current > typingEveryMs) {
      lastTyping.current = now;
      onTyping();
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send();
  };
  return (
    <form className="composer" onSubmit={submit}>
      {completion.open ? (
        <MentionCompletionList
          id={listId}
          options={completion.options}
          active={completion.active}
          onPick={pick}
          onHover={completion.setActive}
        />
      ) : null}
      <textarea
        ref={box}
        name="body"
        aria-label={label}
        placeholder={label}
        value={body}
        rows={Math.min(8, Math.max(1, body.split('\n').length))}
        onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        aria-invalid={tooLong || undefined}
        aria-autocomplete="list"
        aria-controls={completion.open ? listId : undefined}
        aria-activedescendant={completion.open ? mentionOptionId(listId, completion.active) : undefined}
      />
      {body.length > maxBodyLength - 500 ? (
        <span className={tooLong ? 'counter form-error' : 'counter muted'}>
          {body.length}/{maxBodyLength}
        </span>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={blank || tooLong || props.disabled}>
        Send
      </button>
    </form>
  );
}
