import { useEffect, useState } from 'react';
import type { User } from '../../../lib/schemas';
import { useSocket } from '../../../lib/socket-context';

/** How long a typing event keeps someone listed. */
const showForMs = 5_000;

/** The people typing in a room right now, other than the user. */
export function useTyping(roomId: number, meId: number): User[] {
  const socket = useSocket();
  const [typing, setTyping] = useState<Map<number, { user: User; until: number }>>(new Map());
  useEffect(() => {
    setTyping(new Map());
    const off = socket.onEvent((e) => {
      if (e.type === 'typing' && e.room_id === roomId && e.user.id !== meId) {
        setTyping((m) => new Map(m).set(e.user.id, { user: e.user, until: Date.now() + showForMs }));
      } else if (e.type === 'message' && e.message.room_id === roomId) {
        // Whoever just sent has stopped typing.
        setTyping((m) => {
          if (!m.has(e.message.user.id)) return m;
          const next = new Map(m);
          next.delete(e.message.user.id);
          return next;
        });
      }
    });
    const timer = setInterval(() => {
      setTyping((m) => {
        const now = Date.now();
        const next = new Map([...m].filter(([, v]) => v.until > now));
        return next.size === m.size ? m : next;
      });
    }, 1_000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [socket, roomId, meId]);
  return [...typing.values()].map((v) => v.user);
}
