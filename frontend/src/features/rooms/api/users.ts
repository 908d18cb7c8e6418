import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { usersAnswerSchema } from '../../../lib/schemas';

/** Users whose name starts with prefix (at most 20). */
export function useUserSearch(prefix: string) {
  const q = prefix.trim().toLowerCase();
  return useQuery({
    queryKey: ['users', q],
    queryFn: async ({ signal }) =>
      (await api(`/api/v1/users?q=${encodeURIComponent(q)}`, { schema: usersAnswerSchema, signal }))
        .users,
    enabled: q.length > 0,
    staleTime: 60_000,
  });
}
