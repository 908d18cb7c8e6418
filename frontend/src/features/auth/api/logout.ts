import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { clearApiCaches } from '../../../lib/offline-cache';
import { clearOutbox } from '../../../lib/outbox';
import { meKey } from './me';

/**
 * Ends the session and forgets everything this user left in the browser:
 * the query cache, the service worker's API cache and the outbox.
 */
export async function forgetSession(userId: number | undefined): Promise<void> {
  await clearApiCaches();
  if (userId !== undefined) clearOutbox(userId);
}

/** Signs out, even when the server cannot be reached. */
export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number | undefined) => {
      try {
        await api('/api/v1/auth/logout', { method: 'POST' });
      } catch {
        // Offline or already expired: the local data goes all the same.
      }
      await forgetSession(userId);
      // Not qc.clear(): the session gate watches the me query, which must stay.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
      qc.setQueryData(meKey, null);
    },
  });
}
