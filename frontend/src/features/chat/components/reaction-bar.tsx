import { memo, useState } from 'react';
import type { Message, Reaction } from '../../../lib/schemas';
import { ReactionPicker } from './reaction-picker';
import { useReactionToggle } from './reaction-toggle';
import './reactions.css';

/**
 * The reactions under one message: a chip per emoji (highlighted when the
 * reader chose it; a click toggles theirs) and a button that opens the
 * picker. Changes show at once and are put back if the server refuses.
 */
export const ReactionBar = memo(function ReactionBar(props: { message: Message; actions: number }) {
  const { message, actions } = props;
  const toggle = useReactionToggle();
  const seq = message.seq;
  return (
    <ReactionChips
      reactions={message.reactions ?? []}
      actions={actions}
      onToggle={toggle ? (emoji, add) => toggle(seq, emoji, add) : undefined}
    />
  );
});

/**
 * The chips and the picker, given what to show and whom to tell; without
 * onToggle the chips are shown only.
 */
export function ReactionChips(props: {
  reactions: readonly Reaction[];
  /** How many action buttons (Reply, Edit, Delete) the row shows at its top right, which the add button keeps clear of. */
  actions: number;
  onToggle: ((emoji: string, add: boolean) => void) | undefined;
}) {
  const { reactions, onToggle } = props;
  const [picking, setPicking] = useState(false);
  if (reactions.length === 0 && !onToggle) return null;
  const pick = (emoji: string) => {
    setPicking(false);
    if (!reactions.some((r) => r.emoji === emoji && r.me)) onToggle?.(emoji, true);
  };
  const add = onToggle ? (
    <button
      type="button"
      className={reactions.length > 0 ? 'reaction-add' : `reaction-add floating beside-${props.actions}`}
      aria-label="Add reaction"
      aria-expanded={picking}
      title="Add reaction"
      onClick={() => setPicking((p) => !p)}
    >
      ☺+
    </button>
  ) : null;
  return (
    <>
      {reactions.length > 0 ? (
        <div className="reactions" role="group" aria-label="Reactions">
          {reactions.map((r) => (
            <button
              key={r.emoji}
              type="button"
              className={r.me ? 'reaction-chip me' : 'reaction-chip'}
              aria-pressed={r.me}
              aria-label={`${r.emoji} ${r.count}`}
              title={r.me ? `Remove your ${r.emoji}` : `React with ${r.emoji}`}
              disabled={!onToggle}
              onClick={() => onToggle?.(r.emoji, !r.me)}
            >
              <span className="reaction-emoji">{r.emoji}</span> <span className="reaction-count">{r.count}</span>
            </button>
          ))}
          {add}
        </div>
      ) : (
        add
      )}
      {picking ? <ReactionPicker onPick={pick} onClose={() => setPicking(false)} /> : null}
    </>
  );
}
