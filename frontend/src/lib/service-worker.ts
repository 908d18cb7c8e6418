/**
 * Registers the service worker from a bundled module (no inline script, so
 * the CSP can forbid them). A new deploy's worker activates at once; the
 * page keeps running and picks new files up on its next load.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox('/sw.js', { scope: '/' });
  await wb.register().catch(() => undefined);
}
