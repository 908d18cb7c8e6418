import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../../lib/api-client';
import { messagePageSchema, type Message, type MessagePage } from '../../../lib/schemas';
import { useSocket } from '../../../lib/socket-context';
import {
  afterSeqAround,
  deleteMessage,
  holdsSeq,
  mergeLive,
  mergeMessages,
  replaceMessage,
  type MessageWindow,
} from './message-window';

/** How many messages one history request asks for. */
export const pageSize = 50;

/** Query keys of message history. */
export const messageKeys = {
  all: ['messages'] as const,
  room: (roomId: number) => ['messages', roomId] as const,
};

/**
 * Fetches one page of a room's history. A history read tells every
 * message's reactions, so a missing list is made an empty one here: only
 * events, which never tell them, leave it undefined.
 */
export async function fetchMessages(
  roomId: number,
  cursor: { before?: number; after?: number } = {},
  signal?: AbortSignal,
): Promise<MessagePage> {
  const params = new URLSearchParams({ limit: String(cursor.after !== undefined ? 100 : pageSize) });
  if (cursor.before !== undefined) params.set('before_seq', String(cursor.before));
  if (cursor.after !== undefined) params.set('after_seq', String(cursor.after));
  const page = await api(`/api/v1/rooms/${roomId}/messages?${params}`, { schema: messagePageSchema, signal });
  return { ...page, messages: page.messages.map((m) => (m.reactions ? m : { ...m, reactions: [] })) };
}

/**
 * The window opened around seq: the page after a few messages before it
 * (up to 100 messages, seq among the first), which does not reach the
 * present when more follow.
 */
export async function fetchAround(roomId: number, seq: number, signal?: AbortSignal): Promise<MessageWindow | null> {
  const page = await fetchMessages(roomId, { after: afterSeqAround(seq) }, signal);
  const first = page.messages[0]?.seq;
  // Nothing there (a seq past the newest): the newest page instead.
  if (first === undefined) return null;
  return { messages: page.messages, hasOlder: first > 1, hasNewer: page.has_more };
}

/**
 * The room's loaded history. The first load takes the newest page, or,
 * given a target seq (a search result), the page around it; later loads
 * keep what older pages were already fetched, so a refetch never makes the
 * list jump. A target that the window already holds loads nothing; one it
 * does not hold replaces the window with the page around it.
 */
export function useMessageWindow(roomId: number, targetSeq?: number) {
  const qc = useQueryClient();
  const socket = useSocket();
  const target = useRef(targetSeq);
  target.current = targetSeq;
  // The target last loaded around, so that one the room does not hold
  // (a seq past its newest) is asked for once.
  const tried = useRef<number | undefined>(undefined);
  const query = useQuery({
    queryKey: messageKeys.room(roomId),
    staleTime: Infinity,
    queryFn: async ({ signal }): Promise<MessageWindow> => {
      const current = qc.getQueryData<MessageWindow>(messageKeys.room(roomId));
      const seq = target.current;
      if (seq !== undefined && !holdsSeq(current, seq)) {
        tried.current = seq;
        const around = await fetchAround(roomId, seq, signal);
        if (around) return around;
      } else if (current?.hasNewer) {
        return current;
      }
      const page = await fetchMessages(roomId, {}, signal);
      let messages = page.messages;
      // Messages the socket saw while this request was in flight.
      const newest = messages[messages.length - 1]?.seq ?? 0;
      const seen = socket.lastSeq(roomId);
      if (seen !== undefined && seen > newest) {
        const newer = await fetchMessages(roomId, { after: newest }, signal);
        messages = mergeMessages(messages, newer.messages);
      }
      const last = messages[messages.length - 1]?.seq;
      if (last !== undefined) socket.noteSeq(roomId, last);
      else socket.noteSeq(roomId, 0);
      const first = messages[0]?.seq;
      if (current && first !== undefined && current.messages.some((m) => m.seq >= first - 1)) {
        const merged = mergeMessages(current.messages, messages);
        return { messages: merged, hasOlder: current.hasOlder };
      }
      return { messages, hasOlder: page.has_more };
    },
  });
  // A new target in a room already open.
  const { data, isFetching, refetch } = query;
  useEffect(() => {
    if (targetSeq === undefined || !data || isFetching || holdsSeq(data, targetSeq)) return;
    if (tried.current === targetSeq) return;
    void refetch();
  }, [targetSeq, data, isFetching, refetch]);
  return query;
}

/**
 * Loads the page after the newest loaded message of a window that does
 * not reach the present yet, once at a time.
 */
export function useLoadNewer(roomId: number) {
  const qc = useQueryClient();
  const inFlight = useRef(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    const current = qc.getQueryData<MessageWindow>(messageKeys.room(roomId));
    const newest = current?.messages[current.messages.length - 1]?.seq;
    if (inFlight.current || !current?.hasNewer || newest === undefined) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await fetchMessages(roomId, { after: newest });
      qc.setQueryData<MessageWindow>(messageKeys.room(roomId), (w) =>
        w ? { ...w, messages: mergeMessages(w.messages, page.messages), hasNewer: page.has_more } : w,
      );
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [qc, roomId]);
  return { load, loading, error };
}

/** Replaces a window that does not reach the present with the newest page. */
export function returnToPresent(qc: QueryClient, roomId: number): Promise<void> {
  qc.setQueryData<MessageWindow>(messageKeys.room(roomId), (w) => (w ? { ...w, hasNewer: false, messages: [] } : w));
  return qc.refetchQueries({ queryKey: messageKeys.room(roomId) });
}

/** Loads the page before the oldest loaded message, once at a time. */
export function useLoadOlder(roomId: number) {
  const qc = useQueryClient();
  const inFlight = useRef(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    const current = qc.getQueryData<MessageWindow>(messageKeys.room(roomId));
    const oldest = current?.messages[0]?.seq;
    if (inFlight.current || !current?.hasOlder || oldest === undefined) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await fetchMessages(roomId, { before: oldest });
      qc.setQueryData<MessageWindow>(messageKeys.room(roomId), (w) =>
        w ? { ...w, messages: mergeMessages(w.messages, page.messages), hasOlder: page.has_more } : w,
      );
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [qc, roomId]);
  return { load, loading, error };
}

/** Writes a new or acknowledged message into its room's history. */
export function upsertMessage(qc: QueryClient, message: Message): void {
  qc.setQueryData<MessageWindow>(messageKeys.room(message.room_id), (w) => (w ? mergeLive(w, message) : w));
}

/** Writes an edit into its room's history. */
export function applyEdit(qc: QueryClient, message: Message): void {
  qc.setQueryData<MessageWindow>(messageKeys.room(message.room_id), (w) =>
    w ? replaceMessage(w, message) : w,
  );
}

/** Writes a deletion into its room's history (its reactions go with it). */
export function applyDelete(qc: QueryClient, roomId: number, seq: number): void {
  qc.setQueryData<MessageWindow>(messageKeys.room(roomId), (w) => (w ? deleteMessage(w, seq) : w));
}
