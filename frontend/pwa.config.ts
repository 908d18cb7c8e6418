import type { VitePWAOptions } from 'vite-plugin-pwa';

/** The cache that holds API answers for offline reading; logout deletes it. */
export const apiCacheName = 'parley-api';

// Paths the service worker must never answer with the app shell.
const notShell = [/^\/api\//, /^\/ws/, /^\/healthz/, /^\/readyz/, /^\/metrics/, /^\/assets\//];

/** Service worker and web manifest settings shared by the build. */
export const pwaOptions: Partial<VitePWAOptions> = {
  // Registration happens in src/lib/service-worker.ts (a bundled module), so
  // nothing inline reaches index.html and the CSP can forbid inline scripts.
  injectRegister: null,
  registerType: 'autoUpdate',
  strategies: 'generateSW',
  filename: 'sw.js',
  manifestFilename: 'manifest.webmanifest',
  includeAssets: ['icon.svg', 'robots.txt'],
  manifest: {
    name: 'Parley',
    short_name: 'Parley',
    description: 'Fast self-hosted team chat',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f6f7f9',
    theme_color: '#2f5bd3',
    icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
  },
  workbox: {
    // Mention notifications: clicks, and a short watch once no page is
    // open (src/sw/mention-worker.ts, built by sw-plugin.ts).
    importScripts: ['/sw-mentions.js'],
    globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
    globIgnores: ['**/.vite/**'],
    navigateFallback: '/index.html',
    navigateFallbackDenylist: notShell,
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    runtimeCaching: [
      {
        // History, room lists and the current user: the network first so an
        // online reader never sees an old page, the cache when offline.
        urlPattern: ({ url, request, sameOrigin }) =>
          sameOrigin &&
          request.method === 'GET' &&
          url.pathname.startsWith('/api/v1/') &&
          !url.pathname.startsWith('/api/v1/users') &&
          // Searches are many and seldom repeated: cached, they would push
          // the rooms' history out of the offline copy.
          !url.pathname.startsWith('/api/v1/search') &&
          !url.pathname.startsWith('/api/v1/rooms/public') &&
          !url.pathname.endsWith('/members'),
        handler: 'NetworkFirst',
        options: {
          cacheName: apiCacheName,
          networkTimeoutSeconds: 4,
          expiration: { maxEntries: 200, maxAgeSeconds: 7 * 24 * 3600 },
          cacheableResponse: { statuses: [200] },
        },
      },
      {
        // The public directory and member lists are fine to show a little
        // stale while the fresh copy is fetched behind them.
        urlPattern: ({ url, request, sameOrigin }) =>
          sameOrigin &&
          request.method === 'GET' &&
          (url.pathname.startsWith('/api/v1/rooms/public') || url.pathname.endsWith('/members')),
        handler: 'StaleWhileRevalidate',
        options: {
          cacheName: apiCacheName,
          expiration: { maxEntries: 100, maxAgeSeconds: 24 * 3600 },
          cacheableResponse: { statuses: [200] },
        },
      },
    ],
  },
  devOptions: { enabled: false },
};
