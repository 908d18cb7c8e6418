import type { QueryClient } from '@tanstack/react-query';
import type { Room } from '../../../lib/schemas';
import { roomKeys } from './rooms';

/**
 * Counts a new mention of the user in the sidebar, unless they are reading
 * that room right now. The server's count (GET /api/v1/rooms) replaces it
 * whenever the list is fetched again.
 */
export function noteRoomMention(qc: QueryClient, roomId: number, counts: boolean): void {
  if (!counts) return;
  qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) =>
    rooms?.map((r) => (r.id === roomId ? { ...r, mentions: (r.mentions ?? 0) + 1 } : r)),
  );
}

/** The rooms' names and mention counts as the sidebar has them. */
export function mentionCounts(qc: QueryClient): Room[] {
  return qc.getQueryData<Room[]>(roomKeys.mine()) ?? [];
}
