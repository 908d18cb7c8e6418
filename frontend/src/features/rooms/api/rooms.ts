import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { roomAnswerSchema, roomsAnswerSchema, type Room } from '../../../lib/schemas';

/** Query keys of room data. */
export const roomKeys = {
  all: ['rooms'] as const,
  mine: () => ['rooms', 'mine'] as const,
  directory: () => ['rooms', 'public'] as const,
  one: (id: number) => ['rooms', 'one', id] as const,
};

/** The rooms the signed-in user belongs to, with unread counts. */
export function useMyRooms() {
  return useQuery({
    queryKey: roomKeys.mine(),
    queryFn: async ({ signal }) =>
      (await api('/api/v1/rooms', { schema: roomsAnswerSchema, signal })).rooms,
  });
}

/** The public directory. */
export function usePublicRooms() {
  return useQuery({
    queryKey: roomKeys.directory(),
    queryFn: async ({ signal }) =>
      (await api('/api/v1/rooms/public', { schema: roomsAnswerSchema, signal })).rooms,
  });
}

/** One room, seeded from the sidebar's list so it shows at once. */
export function useRoom(id: number) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: roomKeys.one(id),
    queryFn: async ({ signal }) =>
      (await api(`/api/v1/rooms/${id}`, { schema: roomAnswerSchema, signal })).room,
    initialData: () => qc.getQueryData<Room[]>(roomKeys.mine())?.find((r) => r.id === id),
  });
}

/** What the create-room form sends. */
export interface NewRoom {
  name: string;
  topic?: string;
  kind: 'public' | 'private';
}

/** Creates a room; the creator owns it. */
export function useCreateRoom() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (room: NewRoom) =>
      (await api('/api/v1/rooms', { method: 'POST', body: room, schema: roomAnswerSchema })).room,
    onSuccess: (room) => addRoom(qc, room),
  });
}

/** Joins a public room. */
export function useJoinRoom() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      (await api(`/api/v1/rooms/${id}/join`, { method: 'POST', schema: roomAnswerSchema })).room,
    onSuccess: (room) => addRoom(qc, room),
  });
}

/** Leaves a room. */
export function useLeaveRoom() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api(`/api/v1/rooms/${id}/leave`, { method: 'POST' }),
    onSuccess: (_, id) => {
      qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) => rooms?.filter((r) => r.id !== id));
    },
  });
}

/** Puts a room the user now belongs to into the sidebar. */
export function addRoom(qc: QueryClient, room: Room): void {
  qc.setQueryData(roomKeys.one(room.id), room);
  qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) => {
    if (!rooms) return rooms;
    if (rooms.some((r) => r.id === room.id)) return rooms;
    return [...rooms, { ...room, unread: room.unread ?? 0 }];
  });
}

/**
 * Accounts for a new message in the sidebar: the room's last seq, and one
 * more unread unless the user wrote it or is looking at the room.
 */
export function noteRoomMessage(
  qc: QueryClient,
  roomId: number,
  seq: number,
  countsAsUnread: boolean,
): void {
  qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) => {
    if (!rooms) return rooms;
    if (!rooms.some((r) => r.id === roomId)) {
      // A room we did not know about yet (added by someone else).
      void qc.invalidateQueries({ queryKey: roomKeys.mine() });
      return rooms;
    }
    return rooms.map((r) =>
      r.id === roomId && seq > r.last_seq
        ? { ...r, last_seq: seq, unread: (r.unread ?? 0) + (countsAsUnread ? 1 : 0) }
        : r,
    );
  });
}

/**
 * Clears a room's unread badge once the user has read up to seq, and its
 * mention badge once that is the newest message (which mentions are before
 * seq only the server knows).
 */
export function markRoomRead(qc: QueryClient, roomId: number, seq: number): void {
  qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) =>
    rooms?.map((r) =>
      r.id === roomId
        ? {
            ...r,
            unread: Math.max(0, Math.max(r.last_seq, seq) - seq),
            mentions: seq >= r.last_seq ? 0 : r.mentions,
          }
        : r,
    ),
  );
}
