import type { Room, User } from '../../../lib/schemas';

/**
 * What to call a room on screen. A direct room is named after both people
 * by the server; each of them sees only the other one's name.
 */
export function roomLabel(room: Room, me: User): string {
  if (room.kind !== 'direct') return room.name;
  const others = room.name
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '' && n !== me.username && n !== me.display_name);
  return others.length > 0 ? others.join(', ') : room.name;
}
