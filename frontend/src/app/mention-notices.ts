import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { roomLabel } from '../features/rooms/api/room-name';
import { mentionCounts } from '../features/rooms/api/mentions';
import { notifyState, showMentionNotice } from '../lib/notifications';
import { navigate } from '../lib/router';
import type { User } from '../lib/schemas';
import { useSocket } from '../lib/socket-context';
import { openRoomMessage, watchMentionsMessage, type WatchMentions } from '../sw/mention-protocol';

/** The longest message text a notification shows. */
const bodyMax = 160;

/**
 * Shows a browser notification for each mention that arrives while the
 * tab is hidden (and the user turned notifications on), and hands the
 * watch over to the service worker when the page goes away.
 */
export function useMentionNotices(me: User): void {
  const qc = useQueryClient();
  const socket = useSocket();
  const meRef = useRef(me);
  meRef.current = me;

  useEffect(
    () =>
      socket.onEvent((e) => {
        if (e.type !== 'mention' || document.visibilityState !== 'hidden') return;
        const room = mentionCounts(qc).find((r) => r.id === e.room_id);
        const where = room ? (room.kind === 'direct' ? roomLabel(room, meRef.current) : `#${room.name}`) : 'a room';
        const who = e.message ? e.message.user.display_name || e.message.user.username : 'Someone';
        const text = e.message?.body ?? '';
        void showMentionNotice(
          meRef.current.id,
          {
            roomId: e.room_id,
            seq: e.seq,
            title: `${who} mentioned you in ${where}`,
            body: text.length > bodyMax ? `${text.slice(0, bodyMax - 1)}…` : text,
          },
          navigate,
        ).catch(() => undefined);
      }),
    [qc, socket],
  );

  useEffect(() => {
    const sw = navigator.serviceWorker;
    if (!sw) return;
    // A click on a notification asks an open page to show the room.
    const onMessage = (e: MessageEvent<unknown>) => {
      const url = openRoomMessage(e.data);
      if (url) navigate(url);
    };
    // Once no page is left, the worker watches the room list for a while.
    const onPageHide = () => {
      if (notifyState(meRef.current.id) !== 'on') return;
      const rooms = mentionCounts(qc).map((r) => ({
        id: r.id,
        name: r.kind === 'direct' ? roomLabel(r, meRef.current) : `#${r.name}`,
        mentions: r.mentions ?? 0,
      }));
      const watch: WatchMentions = { type: watchMentionsMessage, rooms };
      sw.controller?.postMessage(watch);
    };
    sw.addEventListener('message', onMessage);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      sw.removeEventListener('message', onMessage);
      window.removeEventListener('pagehide', onPageHide);
    };
  }, [qc]);
}
