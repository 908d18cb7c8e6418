import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { roomAnswerSchema, type Room } from '../../../lib/schemas';
import { roomKeys } from './rooms';

/** Turns @room on or off for a room (its owner only). */
export function useSetRoomMentions(roomId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (allowed: boolean) =>
      (
        await api(`/api/v1/rooms/${roomId}`, {
          method: 'PATCH',
          body: { room_mentions: allowed },
          schema: roomAnswerSchema,
        })
      ).room,
    onSuccess: (room) => {
      qc.setQueryData<Room>(roomKeys.one(roomId), (old) => ({ ...old, ...room }));
      qc.setQueryData<Room[]>(roomKeys.mine(), (rooms) =>
        rooms?.map((r) => (r.id === roomId ? { ...r, room_mentions: room.room_mentions } : r)),
      );
    },
  });
}
