import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import type { Message } from '../../../lib/schemas';
import { useOutbox, useSocket } from '../../../lib/socket-context';
import { useLoadOlderReplies, useReplies, useThreadParent } from '../api/replies';
import { Composer } from './composer';
import { MessageRow, PendingRow, type RowActions } from './message-row';

/** How close to the bottom (px) counts as reading the newest reply. */
const followWithin = 48;

/**
 * A thread beside its room: the first message, its replies (older ones on
 * demand) and a composer that replies. Threads are short next to a room's
 * history, so the list is plain rather than virtualized; each request
 * still loads one page.
 */
export function ReplyPanel(props: {
  roomId: number;
  seq: number;
  /** The parent as the room's loaded history holds it, if it does. */
  inWindow: Message | undefined;
  meId: number;
  meName: string;
  editingSeq: number | null;
  actions: RowActions;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  onClose: () => void;
  /** Shows another thread (a link to a reply leads to its parent's). */
  onOpen: (seq: number) => void;
}) {
  const { roomId, seq, onOpen } = props;
  const socket = useSocket();
  const outbox = useOutbox();
  const { parent, error: parentError } = useThreadParent(roomId, seq, props.inWindow);
  const replies = useReplies(roomId, seq);
  const older = useLoadOlderReplies(roomId, seq);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (parent?.reply_to !== undefined) onOpen(parent.reply_to);
  }, [parent?.reply_to, onOpen]);

  const list = replies.data?.messages;
  const pending = useMemo(() => {
    const stored = new Set((list ?? []).map((m) => m.client_id));
    return outbox.filter((e) => e.room_id === roomId && e.reply_to === seq && !stored.has(e.client_id));
  }, [outbox, list, roomId, seq]);

  // Follow new replies while the reader is at the bottom, as the room does.
  const atBottom = useRef(true);
  const onScroll = () => {
    const box = scrollRef.current;
    if (box) atBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight <= followWithin;
  };
  const count = (list?.length ?? 0) + pending.length;
  useLayoutEffect(() => {
    const box = scrollRef.current;
    if (box && atBottom.current) box.scrollTop = box.scrollHeight;
  }, [count]);

  const onSend = useCallback(
    (body: string) => {
      atBottom.current = true;
      socket.sendReply(roomId, seq, body);
    },
    [socket, roomId, seq],
  );
  const onTyping = useCallback(() => socket.typing(roomId), [socket, roomId]);
  const loadOlder = older.load;
  const closed = parent?.deleted === true;
  const error = parentError ?? replies.error ?? older.error;

  return (
    <aside className="reply-panel" aria-label="Thread">
      <header className="reply-head">
        <h2>Thread</h2>
        <button type="button" className="icon-btn" aria-label="Close thread" onClick={props.onClose}>
          ×
        </button>
      </header>
      <div className="reply-scroll" ref={scrollRef} onScroll={onScroll} role="log" aria-label="Replies">
        {parent ? (
          <div className="reply-parent">
            <MessageRow
              message={parent}
              mine={parent.user.id === props.meId}
              editing={props.editingSeq === parent.seq}
              actions={props.actions}
            />
          </div>
        ) : null}
        {replies.isPending ? <Spinner label="Loading replies…" /> : null}
        {replies.data?.hasOlder ? (
          <button type="button" className="btn btn-ghost load-older" disabled={older.loading} onClick={() => void loadOlder()}>
            {older.loading ? 'Loading…' : 'Show older replies'}
          </button>
        ) : null}
        {list && list.length === 0 && pending.length === 0 ? <p className="muted pad">No replies yet.</p> : null}
        {list?.map((m) => (
          <MessageRow
            key={m.seq}
            message={m}
            mine={m.user.id === props.meId}
            editing={props.editingSeq === m.seq}
            actions={props.actions}
          />
        ))}
        {pending.map((e) => (
          <PendingRow key={e.client_id} entry={e} authorName={props.meName} onRetry={props.onRetry} onDiscard={props.onDiscard} />
        ))}
      </div>
      {error ? <p className="form-error pad">{errorText(error)}</p> : null}
      {closed ? (
        <p className="muted pad">This message was deleted; its thread takes no more replies.</p>
      ) : (
        <Composer roomName="thread" label="Reply in thread" onSend={onSend} onTyping={onTyping} disabled={!parent} />
      )}
    </aside>
  );
}
