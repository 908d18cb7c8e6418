/** Names of the service worker caches that hold per-user API answers. */
export const apiCacheNames = ['parley-api'];

/**
 * Deletes every cached API answer, so the next person on this browser never
 * sees the previous one's rooms or messages, online or offline.
 */
export async function clearApiCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all(apiCacheNames.map((name) => caches.delete(name).catch(() => false)));
}
