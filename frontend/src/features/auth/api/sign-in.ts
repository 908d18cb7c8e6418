import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { clearApiCaches } from '../../../lib/offline-cache';
import { authAnswerSchema, type User } from '../../../lib/schemas';
import { meKey } from './me';

/** What the sign-in form sends. */
export interface Credentials {
  username: string;
  password: string;
}

/** What the sign-up form sends. */
export interface Registration extends Credentials {
  display_name?: string;
}

async function signIn(path: string, body: object): Promise<User> {
  // A refusal at capacity comes before anything is written: safe to retry.
  const answer = await api(path, { method: 'POST', body, schema: authAnswerSchema, retry: true });
  return answer.user;
}

function useAuthMutation<T extends object>(path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: T) => signIn(path, body),
    onSuccess: async (user) => {
      // Whatever a previous session left in the caches is not this user's.
      await clearApiCaches();
      // Not qc.clear(): the session gate watches the me query, which must stay.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
      qc.setQueryData(meKey, user);
    },
  });
}

/** Signs in with the session cookie set by the server. */
export function useLogin() {
  return useAuthMutation<Credentials>('/api/v1/auth/login');
}

/** Creates an account and signs in. */
export function useRegister() {
  return useAuthMutation<Registration>('/api/v1/auth/register');
}
