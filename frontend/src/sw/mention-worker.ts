// Mention notifications in the service worker, imported by the generated
// worker (sw.js) as /sw-mentions.js. It does two things:
//
// - notificationclick: a click on a mention's notification (shown by a
//   page through registration.showNotification, or by the watch below)
//   focuses an open page and asks it to show the room, or opens the room.
// - the watch: when the last page goes away it posts the mention counts it
//   knew; while no page is open, the worker asks GET /api/v1/rooms every
//   few seconds (a conditional GET: 304 while nothing changed) and shows a
//   notification for each room whose count grew. Browsers let one event
//   keep a worker alive for a few minutes at most, so the watch stops after
//   watchFor; with no push service nothing can wake a worker after that.

import {
  grownMentions,
  openRoomMessageType,
  parseWatchMentions,
  parseWatchedRoom,
  roomURL,
  type WatchedRoom,
} from './mention-protocol';

/** The parts of the worker's scope used here (the DOM types lack them). */
interface WindowClientLike {
  focus(): Promise<unknown>;
  postMessage(message: unknown): void;
}
interface ExtendableEventLike extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface NotificationEventLike extends ExtendableEventLike {
  notification: Notification;
}
interface MessageEventLike extends ExtendableEventLike {
  data: unknown;
}
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
  addEventListener(type: 'notificationclick', listener: (e: NotificationEventLike) => void): void;
  addEventListener(type: 'message', listener: (e: MessageEventLike) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

/** How often the watch asks for the room list. */
const pollEvery = 5_000;
/** How long one watch lasts, under the browsers' limit on one event. */
const watchFor = 4 * 60_000;

let watched: WatchedRoom[] = [];
let watching: Promise<void> | undefined;

async function windows(): Promise<WindowClientLike[]> {
  return scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
}

async function openRoom(url: string): Promise<void> {
  const [page] = await windows();
  if (page) {
    await page.focus();
    page.postMessage({ type: openRoomMessageType, url });
    return;
  }
  await scope.clients.openWindow(url);
}

/** The room list's rooms, or undefined when it could not be read. */
async function roomList(): Promise<WatchedRoom[] | 'signed-out' | undefined> {
  const res = await fetch('/api/v1/rooms', { credentials: 'same-origin' }).catch(() => undefined);
  if (!res) return undefined;
  if (res.status === 401) return 'signed-out';
  if (!res.ok) return undefined;
  const body = (await res.json().catch(() => undefined)) as { rooms?: unknown } | undefined;
  if (!body || !Array.isArray(body.rooms)) return undefined;
  const known = new Map(watched.map((r) => [r.id, r.name]));
  const rooms: WatchedRoom[] = [];
  for (const v of body.rooms as unknown[]) {
    const r = parseWatchedRoom(v, (x) => known.get(Number(x.id)) ?? labelOf(x));
    if (r) rooms.push(r);
  }
  return rooms;
}

/** A room's name for a room the page did not know yet. */
function labelOf(r: Record<string, unknown>): string {
  const name = typeof r.name === 'string' ? r.name : '';
  if (!name) return 'a room';
  return r.kind === 'direct' ? name : `#${name}`;
}

async function watch(): Promise<void> {
  const until = Date.now() + watchFor;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, pollEvery));
    // A page that is back shows its own notifications.
    if ((await windows()).length > 0) return;
    const rooms = await roomList();
    if (rooms === 'signed-out') return;
    if (!rooms) continue;
    for (const { room, added } of grownMentions(watched, rooms)) {
      await scope.registration.showNotification(`You were mentioned in ${room.name}`, {
        body: added === 1 ? '1 new mention' : `${added} new mentions`,
        tag: `parley-mention-room-${room.id}`,
        data: { url: `/rooms/${room.id}` },
        icon: '/icon.svg',
      });
    }
    watched = rooms;
  }
}

scope.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const url = roomURL((e.notification.data as { url?: unknown } | null)?.url);
  if (url) e.waitUntil(openRoom(url));
});

scope.addEventListener('message', (e) => {
  const msg = parseWatchMentions(e.data);
  if (!msg) return;
  watched = msg.rooms;
  watching ??= watch().finally(() => {
    watching = undefined;
  });
  e.waitUntil(watching);
});
