import { useEffect, useRef, type KeyboardEvent } from 'react';

/** The emoji the picker offers: the ones teams reach for most. */
export const commonEmoji = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '🔥', '✅', '🙏'] as const;

/**
 * A small row of common emoji. It takes focus when it opens, closes on
 * Escape or when focus leaves it, and reports the one picked.
 */
export function ReactionPicker(props: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { onPick, onClose } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };
  return (
    <div
      ref={ref}
      className="reaction-picker"
      role="group"
      aria-label="Pick a reaction"
      onKeyDown={onKeyDown}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) onClose();
      }}
    >
      {commonEmoji.map((emoji) => (
        <button key={emoji} type="button" aria-label={`React with ${emoji}`} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
