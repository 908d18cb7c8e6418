import { QueryClient } from '@tanstack/react-query';
import { ApiError, isRetryLater } from './api-client';

/** Builds the app's server-state cache with its retry policy. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 10 * 60_000,
        refetchOnWindowFocus: false,
        // A 4xx will not fix itself; the network or a 5xx might. A 503 or
        // 429 was already retried by api() after its Retry-After.
        retry: (failures, err) =>
          failures < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500) && !isRetryLater(err),
      },
      mutations: { retry: false },
    },
  });
}
