import { lazy, type ComponentType } from 'react';

const flag = 'parley:chunk-reload';

/**
 * React.lazy that reloads the page once when a chunk cannot be fetched:
 * after a deploy the old hashed files are gone, and only a fresh
 * index.html knows the new names. A second failure is a real error.
 */
export function lazyWithReload<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  return lazy(async () => {
    try {
      const mod = await load();
      sessionStorage.removeItem(flag);
      return mod;
    } catch (err) {
      if (sessionStorage.getItem(flag) === null) {
        sessionStorage.setItem(flag, '1');
        window.location.reload();
        // Never resolves: the page is going away.
        return new Promise<never>(() => undefined);
      }
      throw err;
    }
  });
}

/** Vite's own signal that a preloaded dependency of a chunk failed. */
export function reloadOnPreloadError(): void {
  window.addEventListener('vite:preloadError', (event) => {
    if (sessionStorage.getItem(flag) !== null) return;
    event.preventDefault();
    sessionStorage.setItem(flag, '1');
    window.location.reload();
  });
}
