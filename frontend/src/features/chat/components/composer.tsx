import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

/** The longest body the server takes. */
export const maxBodyLength = 4000;

/** How often typing is announced while someone keeps typing. */
const typingEveryMs = 3_000;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. The body
 * goes out exactly as written; only an all-blank one is refused.
 */
export function Composer(props: {
  roomName: string;
  onSend: (body: string) => void;
  onTyping: () => void;
  disabled?: boolean;
  /** What the box is called; "Message <room>" unless given. */
  label?: string;
}) {
  const { onSend, onTyping } = props;
  const [body, setBody] = useState('');
  const lastTyping = useRef(0);
  const label = props.label ?? `Message ${props.roomName}`;
  const tooLong = body.length > maxBodyLength;
  const blank = body.trim() === '';

  const send = () => {
    if (blank || tooLong || props.disabled) return;
    onSend(body);
    setBody('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter that confirms an IME composition is not a send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };
  const onChange = (value: string) => {
    setBody(value);
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
      <textarea
        name="body"
        aria-label={label}
        placeholder={label}
        value={body}
        rows={Math.min(8, Math.max(1, body.split('\n').length))}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={tooLong || undefined}
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
