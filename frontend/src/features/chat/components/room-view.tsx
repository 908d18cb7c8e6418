import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import { navigate } from '../../../lib/router';
import type { User } from '../../../lib/schemas';
import { useOutbox, useOutboxStore, useSocket } from '../../../lib/socket-context';
import { useDeleteMessage, useEditMessage } from '../api/message-actions';
import { holdsSeq } from '../api/message-window';
import { returnToPresent, useLoadNewer, useLoadOlder, useMessageWindow } from '../api/messages';
import { useReadMarker } from '../hooks/use-read-marker';
import { useTyping } from '../hooks/use-typing';
import { Composer } from './composer';
import { buildItems, MessageList } from './message-list';
import type { RowActions } from './message-row';
import { TypingIndicator } from './typing-indicator';

/** A room: its history, who is typing, and the composer. */
export default function RoomView(props: {
  roomId: number;
  roomName: string;
  me: User;
  header: ReactNode;
  onRead: (roomId: number, seq: number) => void;
  /** A message to open the room at and mark (a search result's). */
  targetSeq?: number;
}) {
  const { roomId, me, onRead, targetSeq } = props;
  const qc = useQueryClient();
  const socket = useSocket();
  const history = useMessageWindow(roomId, targetSeq);
  const older = useLoadOlder(roomId);
  const newer = useLoadNewer(roomId);
  const hasNewer = history.data?.hasNewer === true;
  const outbox = useOutbox();
  const outboxStore = useOutboxStore();
  const typing = useTyping(roomId, me.id);
  const edit = useEditMessage(roomId);
  const remove = useDeleteMessage(roomId);
  const [editingSeq, setEditingSeq] = useState<number | null>(null);
  const onSeen = useReadMarker(roomId, onRead);

  const messages = history.data?.messages;
  const items = useMemo(() => {
    const list = messages ?? [];
    const stored = new Set(list.map((m) => m.client_id).filter(Boolean));
    const pending = outbox.filter((e) => e.room_id === roomId && !stored.has(e.client_id));
    return buildItems(list, pending);
  }, [messages, outbox, roomId]);

  // The mutation objects change identity on every state change; their
  // mutate functions do not, and they are all the rows need.
  const saveEdit = edit.mutate;
  const deleteMessage = remove.mutate;
  const actions = useMemo<RowActions>(
    () => ({
      onStartEdit: setEditingSeq,
      onCancelEdit: () => setEditingSeq(null),
      onSaveEdit: (seq, body) => saveEdit({ seq, body }, { onSuccess: () => setEditingSeq(null) }),
      onDelete: (seq) => {
        if (globalThis.confirm?.('Delete this message?') ?? true) deleteMessage(seq);
      },
    }),
    [saveEdit, deleteMessage],
  );
  const onRetry = useCallback((clientId: string) => socket.retry(clientId), [socket]);
  const onDiscard = useCallback((clientId: string) => outboxStore.remove(clientId), [outboxStore]);
  const onSend = useCallback(
    (body: string) => {
      // A message is sent to the present: a window opened at an older one
      // gives way to the newest page, where it will show.
      if (hasNewer) {
        navigate(`/rooms/${roomId}`, { replace: true });
        void returnToPresent(qc, roomId);
      }
      socket.send(roomId, body);
    },
    [socket, roomId, hasNewer, qc],
  );
  const onTyping = useCallback(() => socket.typing(roomId), [socket, roomId]);
  const loadOlder = older.load;
  const onLoadOlder = useCallback(() => void loadOlder(), [loadOlder]);
  const loadNewer = newer.load;
  const onLoadNewer = useCallback(() => void loadNewer(), [loadNewer]);
  // Opened at a target, the list waits for the window that holds it.
  const ready =
    history.data !== undefined &&
    (targetSeq === undefined || holdsSeq(history.data, targetSeq) || !history.isFetching);

  const actionError = edit.error ?? remove.error ?? older.error ?? newer.error;
  return (
    <main className="main room" aria-label={props.roomName}>
      {props.header}
      {!ready && !history.isError ? <Spinner label="Loading messages…" /> : null}
      {history.isError ? <p className="form-error pad">{errorText(history.error)}</p> : null}
      {ready && history.data ? (
        <MessageList
          key={`${roomId}:${targetSeq ?? ''}`}
          items={items}
          meId={me.id}
          meName={me.display_name || me.username}
          hasOlder={history.data.hasOlder}
          loadingOlder={older.loading}
          onLoadOlder={onLoadOlder}
          onSeen={onSeen}
          editingSeq={editingSeq}
          actions={actions}
          onRetry={onRetry}
          onDiscard={onDiscard}
          targetSeq={targetSeq}
          hasNewer={hasNewer}
          loadingNewer={newer.loading}
          onLoadNewer={onLoadNewer}
        />
      ) : null}
      {actionError ? <p className="form-error pad">{errorText(actionError)}</p> : null}
      <TypingIndicator users={typing} />
      <Composer roomName={props.roomName} onSend={onSend} onTyping={onTyping} />
    </main>
  );
}
