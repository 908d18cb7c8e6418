import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';

/** Where the generated service worker imports the mention watcher from. */
export const mentionWorkerURL = '/sw-mentions.js';

const entry = fileURLToPath(new URL('./src/sw/mention-worker.ts', import.meta.url));

/**
 * Builds src/sw/mention-worker.ts on its own, as one classic script (a
 * worker's importScripts cannot load a module or share the app's chunks),
 * and adds it to the build as sw-mentions.js, which the service worker
 * Workbox generates imports (see pwa.config.ts).
 */
export function mentionWorker(): Plugin {
  return {
    name: 'parley-mention-worker',
    apply: 'build',
    async generateBundle() {
      const out = await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          write: false,
          minify: true,
          target: 'es2022',
          lib: { entry, formats: ['iife'], name: 'parleyMentionWorker', fileName: () => 'sw-mentions.js' },
        },
      });
      const outputs = Array.isArray(out) ? out : [out];
      const chunk = outputs
        .flatMap((o) => ('output' in o ? o.output : []))
        .find((c) => c.type === 'chunk' && c.isEntry);
      if (!chunk || chunk.type !== 'chunk') throw new Error('the mention worker build produced no script');
      this.emitFile({ type: 'asset', fileName: mentionWorkerURL.slice(1), source: chunk.code });
    },
  };
}
