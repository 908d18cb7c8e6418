import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { messageAnswerSchema } from '../../../lib/schemas';
import { applyDelete, applyEdit } from './messages';
import { applyThreadDelete, applyThreadEdit } from './replies';

/** Edits one of the user's own messages. */
export function useEditMessage(roomId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { seq: number; body: string }) =>
      (
        await api(`/api/v1/rooms/${roomId}/messages/${v.seq}`, {
          method: 'PATCH',
          body: { body: v.body },
          schema: messageAnswerSchema,
        })
      ).message,
    onSuccess: (message) => {
      applyEdit(qc, message);
      applyThreadEdit(qc, message);
    },
  });
}

/** Deletes a message (the author's or, for the owner, anyone's). */
export function useDeleteMessage(roomId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (seq: number) =>
      api(`/api/v1/rooms/${roomId}/messages/${seq}`, { method: 'DELETE' }),
    onSuccess: (_, seq) => {
      applyDelete(qc, roomId, seq);
      applyThreadDelete(qc, roomId, seq);
    },
  });
}

/** Moves the read marker through the API (when the socket is down). */
export function postRead(roomId: number, seq: number): Promise<void> {
  return api(`/api/v1/rooms/${roomId}/read`, { method: 'POST', body: { seq } });
}
