import { memo, useState, type KeyboardEvent } from 'react';
import { Markup } from '../../../components/ui/markup';
import type { OutboxEntry } from '../../../lib/outbox';
import { clock, fullClock } from '../../../lib/clock';
import type { Message } from '../../../lib/schemas';
import { browserTimeZone } from '../../../lib/time-zone';
import { ThreadSummary } from './thread-summary';
import { ReactionBar } from './reaction-bar';

// The zone the pages without JavaScript are told about (main.tsx), so
// that both show a message's time with the same text.
const zone = browserTimeZone();

/** What a row can ask of the list. */
export interface RowActions {
  onStartEdit: (seq: number) => void;
  onCancelEdit: () => void;
  onSaveEdit: (seq: number, body: string) => void;
  onDelete: (seq: number) => void;
  /** Opens a message's thread; rows of a thread itself leave it out. */
  onOpenThread?: (seq: number) => void;
}

/**
 * One message. Memoized: a new message or an edit elsewhere re-renders only
 * the rows whose message object changed.
 */
export const MessageRow = memo(function MessageRow(props: {
  message: Message;
  mine: boolean;
  editing: boolean;
  actions: RowActions;
}) {
  const { message, mine, editing, actions } = props;
  const when = new Date(message.created_at);
  const deleted = message.deleted === true;
  const openThread = message.reply_to === undefined ? actions.onOpenThread : undefined;
  return (
    <article
      className="message"
      data-seq={message.seq}
      aria-label={`${message.user.display_name || message.user.username}, message ${message.seq}`}
    >
      <header className="message-head">
        <strong className="author">{message.user.display_name || message.user.username}</strong>
        <time dateTime={message.created_at} title={fullClock(when, zone)}>
          {clock(when, new Date(), zone)}
        </time>
      </header>
      {editing ? (
        <EditBox
          initial={message.body}
          onSave={(body) => actions.onSaveEdit(message.seq, body)}
          onCancel={actions.onCancelEdit}
        />
      ) : deleted ? (
        <p className="body deleted">This message was deleted.</p>
      ) : (
        <div className="body">
          <Markup source={message.body} />
          {message.edited_at ? <span className="muted small edited"> (edited)</span> : null}
        </div>
      )}
      {openThread ? <ThreadSummary message={message} onOpen={openThread} /> : null}
      {!deleted && !editing ? <ReactionBar message={message} actions={(openThread ? 1 : 0) + (mine ? 2 : 0)} /> : null}
      {(mine || openThread) && !deleted && !editing ? (
        <div className="message-actions">
          {openThread ? (
            <button type="button" onClick={() => openThread(message.seq)}>
              Reply
            </button>
          ) : null}
          {mine ? (
            <>
              <button type="button" onClick={() => actions.onStartEdit(message.seq)}>
                Edit
              </button>
              <button type="button" onClick={() => actions.onDelete(message.seq)}>
                Delete
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </article>
  );
});

/** A message written here but not yet acknowledged by the server. */
export const PendingRow = memo(function PendingRow(props: {
  entry: OutboxEntry;
  authorName: string;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  const { entry, authorName, onRetry, onDiscard } = props;
  return (
    <article className={entry.failed ? 'message pending failed' : 'message pending'} data-client-id={entry.client_id}>
      <header className="message-head">
        <strong className="author">{authorName}</strong>
        <span className="muted small">{entry.failed ? 'not sent' : 'sending…'}</span>
      </header>
      <div className="body">
        <Markup source={entry.body} />
      </div>
      {entry.failed ? (
        <div className="message-actions visible">
          <span className="form-error">{entry.failed}</span>
          <button type="button" onClick={() => onRetry(entry.client_id)}>
            Retry
          </button>
          <button type="button" onClick={() => onDiscard(entry.client_id)}>
            Discard
          </button>
        </div>
      ) : null}
    </article>
  );
});

function EditBox(props: { initial: string; onSave: (body: string) => void; onCancel: () => void }) {
  const [body, setBody] = useState(props.initial);
  const save = () => {
    if (body.trim() === '') return;
    if (body === props.initial) props.onCancel();
    else props.onSave(body);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      props.onCancel();
    }
  };
  return (
    <div className="edit-box">
      <textarea
        aria-label="Edit message"
        value={body}
        maxLength={4000}
        rows={Math.min(8, body.split('\n').length)}
        autoFocus
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="message-actions visible">
        <button type="button" onClick={save}>
          Save
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
