import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import { navigate } from '../../../lib/router';
import type { Member, User } from '../../../lib/schemas';
import { useOutbox, useOutboxStore, useSocket } from '../../../lib/socket-context';
import { useDeleteMessage, useEditMessage } from '../api/message-actions';
import { holdsSeq } from '../api/message-window';
import { returnToPresent, useLoadNewer, useLoadOlder, useMessageWindow } from '../api/messages';
import { coveredSeqs } from '../api/thread-window';
import { useReadMarker } from '../hooks/use-read-marker';
import { useTyping } from '../hooks/use-typing';
import { Composer } from './composer';
import { buildItems, MessageList } from './message-list';
import { ReactionToggleProvider } from './reaction-toggle';
import type { RowActions } from './message-row';
import { ReplyPanel } from './reply-panel';
import { TypingIndicator } from './typing-indicator';

/** A room: its history, who is typing, and the composer. */
export default function RoomView(props: {
  roomId: number;
  roomName: string;
  me: User;
  header: ReactNode;
  onRead: (roomId: number, seq: number) => void;
  /** The open thread's first message, if one is open beside the room. */
  thread?: number;
  /** Opens a thread (a seq) or closes the open one (undefined). */
  onThread: (seq: number | undefined) => void;
  /** Who '@' offers in the composer. */
  mentionCandidates?: Member[];
  /** Whether '@' offers @room too. */
  roomMentions?: boolean;
  /** A message to open the room at and mark (a search result's). */
  targetSeq?: number;
}) {
  const { roomId, me, onRead, thread, onThread, targetSeq } = props;
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
  const markSeen = useReadMarker(roomId, onRead);

  const messages = history.data?.messages;
  // The room's list shows top-level messages; replies live in their thread.
  const items = useMemo(() => {
    const list = messages ?? [];
    const stored = new Set(list.map((m) => m.client_id).filter(Boolean));
    const pending = outbox.filter((e) => e.room_id === roomId && e.reply_to === undefined && !stored.has(e.client_id));
    return buildItems(
      list.filter((m) => m.reply_to === undefined),
      pending,
    );
  }, [messages, outbox, roomId]);
  const covered = useMemo(() => coveredSeqs(messages ?? []), [messages]);
  const onSeen = useCallback((seq: number) => markSeen(covered.get(seq) ?? seq), [markSeen, covered]);

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
  const openThread = useCallback((seq: number) => onThread(seq), [onThread]);
  const closeThread = useCallback(() => onThread(undefined), [onThread]);
  const roomActions = useMemo<RowActions>(() => ({ ...actions, onOpenThread: openThread }), [actions, openThread]);
  const threadParent = thread === undefined ? undefined : messages?.find((m) => m.seq === thread);
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
      <ReactionToggleProvider roomId={roomId}>
      <div className={thread === undefined ? 'room-split' : 'room-split threaded'}>
        <section className="room-column" aria-label="Room messages">
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
              actions={roomActions}
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
          <Composer
            roomName={props.roomName}
            onSend={onSend}
            onTyping={onTyping}
            mentionCandidates={props.mentionCandidates}
            roomMentions={props.roomMentions}
          />
        </section>
        {thread !== undefined ? (
          <ReplyPanel
            key={thread}
            roomId={roomId}
            seq={thread}
            inWindow={threadParent}
            meId={me.id}
            meName={me.display_name || me.username}
            editingSeq={editingSeq}
            actions={actions}
            onRetry={onRetry}
            onDiscard={onDiscard}
            onClose={closeThread}
            onOpen={openThread}
          />
        ) : null}
      </div>
      </ReactionToggleProvider>
    </main>
  );
}
