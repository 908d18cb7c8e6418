import type { Message } from '../../../lib/schemas';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "N replies · last reply <time>" under a thread's first message; opens the thread. */
export function ThreadSummary(props: { message: Message; onOpen: (seq: number) => void }) {
  const { message, onOpen } = props;
  const count = message.reply_count ?? 0;
  if (count === 0) return null;
  const last = message.last_reply_at;
  const when = last ? new Date(last) : undefined;
  const today = when !== undefined && when.toDateString() === new Date().toDateString();
  return (
    <button type="button" className="thread-summary" onClick={() => onOpen(message.seq)}>
      <span className="thread-count">
        {count} {count === 1 ? 'reply' : 'replies'}
      </span>
      {when && last ? (
        <span className="muted">
          {' · last reply '}
          <time dateTime={last} title={dayFormat.format(when)}>
            {today ? timeFormat.format(when) : dayFormat.format(when)}
          </time>
        </span>
      ) : null}
    </button>
  );
}
