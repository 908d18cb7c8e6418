import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A history-API router small enough to read in one sitting: the app has a
// handful of flat routes, which do not justify a routing library in the
// first screen's JavaScript.

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function pathname(): string {
  return window.location.pathname;
}

/** Moves to path without a page load. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const here = window.location.pathname + window.location.search;
  if (path === here) return;
  // Each entry remembers the in-app page it was opened from (see goBack).
  if (options.replace) window.history.replaceState(window.history.state, '', path);
  else window.history.pushState({ from: here }, '', path);
  for (const listener of listeners) listener();
}

/**
 * Returns to path: back through history when this entry was opened from
 * it in the app, so that the browser's own back and forward stay in step,
 * else by moving there.
 */
export function goBack(path: string): void {
  const state: unknown = window.history.state;
  const from = typeof state === 'object' && state !== null && 'from' in state ? state.from : undefined;
  if (from === path) window.history.back();
  else navigate(path);
}

/** The current path, re-rendering on every navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, pathname, () => '/');
}

function search(): string {
  return window.location.search;
}

/** One query parameter of the current URL, re-rendering when it changes. */
export function useQueryParam(name: string): string | null {
  const query = useSyncExternalStore(subscribe, search, () => '');
  return new URLSearchParams(query).get(name);
}

/** A parsed route of the app. */
export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'home' }
  | { name: 'browse' }
  | { name: 'search' }
  | { name: 'room'; roomId: number; thread?: number }
  | { name: 'not-found' };

/** Maps a path to a route. */
export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/login') return { name: 'login' };
  if (path === '/register') return { name: 'register' };
  if (path === '/browse') return { name: 'browse' };
  if (path === '/search') return { name: 'search' };
  const room = /^\/rooms\/(\d{1,15})\/?$/.exec(path);
  if (room?.[1]) return { name: 'room', roomId: Number(room[1]) };
  const thread = /^\/rooms\/(\d{1,15})\/threads\/(\d{1,15})\/?$/.exec(path);
  if (thread?.[1] && thread[2]) return { name: 'room', roomId: Number(thread[1]), thread: Number(thread[2]) };
  return { name: 'not-found' };
}

/** The current route. */
export function useRoute(): Route {
  return matchRoute(usePathname());
}

/** An anchor that navigates in-app on a plain left click. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    e.preventDefault();
    navigate(props.href);
  };
  return <a {...rest} onClick={handle} />;
}
