import { useCallback, useEffect, useRef } from 'react';
import { useSocket } from '../../../lib/socket-context';
import { postRead } from '../api/message-actions';

/** How often the read marker may move, at most. */
const everyMs = 1_000;

/**
 * Returns a callback that takes the newest seq on screen and moves the
 * room's read marker forward, at most once a second, through the socket
 * (or the API while the socket is down).
 */
export function useReadMarker(roomId: number, onRead: (roomId: number, seq: number) => void) {
  const socket = useSocket();
  const sent = useRef(0);
  const wanted = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const last = useRef(0);

  const flush = useCallback(() => {
    timer.current = undefined;
    const seq = wanted.current;
    if (seq <= sent.current) return;
    sent.current = seq;
    last.current = Date.now();
    onRead(roomId, seq);
    if (!socket.read(roomId, seq)) postRead(roomId, seq).catch(() => undefined);
  }, [roomId, socket, onRead]);

  useEffect(() => {
    sent.current = 0;
    wanted.current = 0;
    return () => {
      if (timer.current !== undefined) clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [roomId]);

  return useCallback(
    (seq: number) => {
      if (seq <= wanted.current) return;
      wanted.current = seq;
      if (timer.current !== undefined) return;
      const wait = Math.max(0, everyMs - (Date.now() - last.current));
      timer.current = setTimeout(flush, wait);
    },
    [flush],
  );
}
