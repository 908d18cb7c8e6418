import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { applyDelete, applyEdit, messageKeys, upsertMessage } from '../features/chat/api/messages';
import { applyReactionBatch, applyReactionEvent } from '../features/chat/api/reactions';
import { applyThreadDelete, applyThreadEdit, noteReply } from '../features/chat/api/replies';
import { changeMembers, setPresence } from '../features/rooms/api/members';
import { noteRoomMention } from '../features/rooms/api/mentions';
import { addRoom, noteRoomMessage, roomKeys } from '../features/rooms/api/rooms';
import type { User } from '../lib/schemas';
import { useSocket } from '../lib/socket-context';

/**
 * Writes socket events into the query cache, so every screen that shows a
 * room, a list or a member reads the same, live data.
 */
export function useRealtimeSync(me: User, activeRoomId: number | undefined): void {
  const qc = useQueryClient();
  const socket = useSocket();
  const active = useRef(activeRoomId);
  active.current = activeRoomId;

  useEffect(() => {
    const visible = () => typeof document === 'undefined' || document.visibilityState === 'visible';
    return socket.onEvent((e) => {
      switch (e.type) {
        case 'message':
        case 'ack': {
          const m = e.message;
          upsertMessage(qc, m);
          noteReply(qc, m);
          const unread = m.user.id !== me.id && !(m.room_id === active.current && visible());
          noteRoomMessage(qc, m.room_id, m.seq, unread);
          return;
        }
        case 'mention':
          noteRoomMention(qc, e.room_id, !(e.room_id === active.current && visible()));
          return;
        case 'message_edited':
          applyEdit(qc, e.message);
          applyThreadEdit(qc, e.message);
          return;
        case 'message_deleted':
          applyDelete(qc, e.room_id, e.seq);
          applyThreadDelete(qc, e.room_id, e.seq);
          return;
        case 'presence':
          setPresence(qc, new Map([[e.user_id, e.online]]));
          return;
        case 'presence_batch':
          setPresence(
            qc,
            new Map([
              ...e.online_users.map((id): [number, boolean] => [id, true]),
              ...e.offline_users.map((id): [number, boolean] => [id, false]),
            ]),
          );
          return;
        case 'room_joined':
          addRoom(qc, e.room);
          return;
        case 'member_joined':
        case 'member_left':
          changeMembers(qc, e.room_id, e.user, e.type === 'member_joined');
          if (e.user.id === me.id) void qc.invalidateQueries({ queryKey: roomKeys.mine() });
          return;
        case 'members_changed':
          for (const u of e.joined) changeMembers(qc, e.room_id, u, true);
          for (const u of e.left) changeMembers(qc, e.room_id, u, false);
          if ([...e.joined, ...e.left].some((u) => u.id === me.id)) {
            void qc.invalidateQueries({ queryKey: roomKeys.mine() });
          }
          return;
        case 'reaction':
          applyReactionEvent(qc, e, me.id);
          return;
        case 'reaction_batch':
          applyReactionBatch(qc, e, me.id);
          return;
        case 'ready':
          // Unread counts may have moved while the socket was down.
          void qc.invalidateQueries({ queryKey: roomKeys.mine() });
          // Reactions have no seq to resume from: a reconnect reads the
          // loaded histories again for their counts.
          if (e.resuming) void qc.invalidateQueries({ queryKey: messageKeys.all });
          return;
        default:
      }
    });
  }, [qc, socket, me.id]);
}
