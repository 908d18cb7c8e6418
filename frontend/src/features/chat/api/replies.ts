import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { api } from '../../../lib/api-client';
import { messagePageSchema, type Message, type MessagePage } from '../../../lib/schemas';
import { messageKeys, pageSize } from './messages';
import { deleteMessage, mergeMessages, replaceMessage, type MessageWindow } from './message-window';
import { noteReplyInWindow, withReply } from './thread-window';

/** Query keys of threads: the loaded replies, and a parent the room's window lacks. */
export const threadKeys = {
  replies: (roomId: number, seq: number) => ['replies', roomId, seq] as const,
  roomReplies: (roomId: number) => ['replies', roomId] as const,
  parent: (roomId: number, seq: number) => ['thread-parent', roomId, seq] as const,
};

/** Fetches one page of a thread's replies. */
export function fetchReplies(
  roomId: number,
  seq: number,
  cursor: { before?: number } = {},
  signal?: AbortSignal,
): Promise<MessagePage> {
  const params = new URLSearchParams({ limit: String(pageSize) });
  if (cursor.before !== undefined) params.set('before_seq', String(cursor.before));
  return api(`/api/v1/rooms/${roomId}/messages/${seq}/replies?${params}`, { schema: messagePageSchema, signal });
}

/**
 * A thread's loaded replies: the newest page first, older pages on demand;
 * the socket keeps it live (noteReply), so it is never stale by itself.
 */
export function useReplies(roomId: number, seq: number) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: threadKeys.replies(roomId, seq),
    staleTime: Infinity,
    queryFn: async ({ signal }): Promise<MessageWindow> => {
      const page = await fetchReplies(roomId, seq, {}, signal);
      const current = qc.getQueryData<MessageWindow>(threadKeys.replies(roomId, seq));
      // Replies that arrived live while the page was in flight stay.
      if (current) return { messages: mergeMessages(current.messages, page.messages), hasOlder: current.hasOlder };
      return { messages: page.messages, hasOlder: page.has_more };
    },
  });
}

/** Loads the replies before the oldest loaded one, once at a time. */
export function useLoadOlderReplies(roomId: number, seq: number) {
  const qc = useQueryClient();
  const inFlight = useRef(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    const key = threadKeys.replies(roomId, seq);
    const oldest = qc.getQueryData<MessageWindow>(key)?.messages[0]?.seq;
    if (inFlight.current || oldest === undefined) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await fetchReplies(roomId, seq, { before: oldest });
      qc.setQueryData<MessageWindow>(key, (w) =>
        w ? { messages: mergeMessages(w.messages, page.messages), hasOlder: page.has_more } : w,
      );
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [qc, roomId, seq]);
  return { load, loading, error };
}

/**
 * The thread's first message: the one from the room's loaded history when
 * it holds it (kept live there), else fetched on its own (a thread opened
 * by link, far back in the room) and kept live by noteReply.
 */
export function useThreadParent(roomId: number, seq: number, inWindow: Message | undefined) {
  const fetched = useQuery({
    queryKey: threadKeys.parent(roomId, seq),
    staleTime: Infinity,
    enabled: inWindow === undefined,
    queryFn: async ({ signal }) => {
      const page = await api(`/api/v1/rooms/${roomId}/messages?after_seq=${seq - 1}&limit=1`, {
        schema: messagePageSchema,
        signal,
      });
      const found = page.messages.find((m) => m.seq === seq);
      if (!found) throw new Error('That message does not exist.');
      return found;
    },
  });
  return { parent: inWindow ?? fetched.data, error: inWindow ? null : fetched.error };
}

/** Writes a new or acknowledged reply into its thread and counts it in its parent. */
export function noteReply(qc: QueryClient, reply: Message): void {
  const parentSeq = reply.reply_to;
  if (parentSeq === undefined) return;
  qc.setQueryData<MessageWindow>(messageKeys.room(reply.room_id), (w) => (w ? noteReplyInWindow(w, reply) : w));
  qc.setQueryData<Message>(threadKeys.parent(reply.room_id, parentSeq), (p) => (p ? withReply(p, reply) : p));
  qc.setQueryData<MessageWindow>(threadKeys.replies(reply.room_id, parentSeq), (w) =>
    w ? { ...w, messages: mergeMessages(w.messages, [reply]) } : w,
  );
}

/** Writes an edit into the thread that shows the message, as reply or as parent. */
export function applyThreadEdit(qc: QueryClient, message: Message): void {
  if (message.reply_to !== undefined) {
    qc.setQueryData<MessageWindow>(threadKeys.replies(message.room_id, message.reply_to), (w) =>
      w ? replaceMessage(w, message) : w,
    );
  }
  qc.setQueryData<Message>(threadKeys.parent(message.room_id, message.seq), (p) => (p ? message : p));
}

/** Writes a deletion into every loaded thread of the room that shows the message. */
export function applyThreadDelete(qc: QueryClient, roomId: number, seq: number): void {
  qc.setQueriesData<MessageWindow>({ queryKey: threadKeys.roomReplies(roomId) }, (w) => (w ? deleteMessage(w, seq) : w));
  qc.setQueryData<Message>(threadKeys.parent(roomId, seq), (p) => (p ? { ...p, body: '', deleted: true } : p));
}
