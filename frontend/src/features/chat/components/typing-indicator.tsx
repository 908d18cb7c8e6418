import type { User } from '../../../lib/schemas';

/** "Ana is typing…" under the list. */
export function TypingIndicator(props: { users: User[] }) {
  const names = props.users.map((u) => u.display_name || u.username);
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = 'Several people are typing…';
  return (
    <p className="typing muted" aria-live="polite">
      {text}
    </p>
  );
}
