import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './pwa.config.ts';
import { mentionWorker } from './sw-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../assets/dist', import.meta.url));
const backend = process.env.PARLEY_DEV_BACKEND ?? 'http://127.0.0.1:8080';

// Modules every screen needs go to one long-lived vendor chunk, so a deploy
// that only touches app code leaves the biggest file cached in browsers.
const vendorModules =
  /node_modules[\\/](react|react-dom|scheduler|@tanstack[\\/](query-core|react-query)|zod)[\\/]/;

// The server accepts cookie-authenticated writes and sockets only from its
// own origin, so the proxy presents itself as coming from there.
const toBackend = { target: backend, changeOrigin: true, headers: { origin: backend } };
const proxy = {
  '/api': toBackend,
  '/ws': { ...toBackend, ws: true, rewriteWsOrigin: true },
};

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), mentionWorker(), VitePWA(pwaOptions)],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    sourcemap: false,
    cssCodeSplit: true,
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'vendor', test: vendorModules, priority: 10 }],
        },
      },
    },
  },
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
});
