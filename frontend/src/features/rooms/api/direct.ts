import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { roomAnswerSchema } from '../../../lib/schemas';
import { addRoom } from './rooms';

/** Opens (or creates) the direct-message room with a user. */
export function useOpenDirect() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number) =>
      (await api('/api/v1/dms', { method: 'POST', body: { user_id: userId }, schema: roomAnswerSchema }))
        .room,
    onSuccess: (room) => addRoom(qc, room),
  });
}
