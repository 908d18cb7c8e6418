import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { membersAnswerSchema, type Member, type User } from '../../../lib/schemas';

/** Query key of a room's members. */
export const memberKeys = {
  all: ['members'] as const,
  room: (roomId: number) => ['members', roomId] as const,
};

/** A room's members with their presence. */
export function useMembers(roomId: number, enabled = true) {
  return useQuery({
    queryKey: memberKeys.room(roomId),
    queryFn: async ({ signal }) =>
      (await api(`/api/v1/rooms/${roomId}/members`, { schema: membersAnswerSchema, signal })).members,
    enabled,
  });
}

/** Adds a user to a private room (owner only). */
export function useAddMember(roomId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) =>
      api(`/api/v1/rooms/${roomId}/members`, { method: 'POST', body: { user_id: userId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: memberKeys.room(roomId) }),
  });
}

/** Writes presence changes (user id → online) into every cached member list. */
export function setPresence(qc: QueryClient, changes: ReadonlyMap<number, boolean>): void {
  qc.setQueriesData<Member[]>({ queryKey: memberKeys.all }, (members) =>
    members?.some((m) => changes.has(m.id))
      ? members.map((m) => {
          const online = changes.get(m.id);
          return online === undefined ? m : { ...m, online };
        })
      : members,
  );
}

/** Writes a join or leave into the room's cached member list. */
export function changeMembers(qc: QueryClient, roomId: number, user: User, joined: boolean): void {
  qc.setQueryData<Member[]>(memberKeys.room(roomId), (members) => {
    if (!members) return members;
    const rest = members.filter((m) => m.id !== user.id);
    return joined ? [...rest, { ...user, online: true }] : rest;
  });
}
