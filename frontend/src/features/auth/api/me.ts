import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../../lib/api-client';
import { meAnswerSchema, type User } from '../../../lib/schemas';

/** Query key of the signed-in user. */
export const meKey = ['me'] as const;

/** Fetches the signed-in user, or null when there is no session. */
export async function fetchMe(signal?: AbortSignal): Promise<User | null> {
  try {
    const answer = await api('/api/v1/me', { schema: meAnswerSchema, signal });
    return answer.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** The signed-in user: undefined while loading, null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: Infinity,
  });
}
