// The messages between pages and the service worker's mention watcher
// (mention-worker.ts), checked on arrival: a worker outlives deploys, so
// either side may be older than the other.

/** A page going away hands the worker the mention counts it knew. */
export const watchMentionsMessage = 'parley-watch-mentions';
/** The worker asks an open page to show a room (a notification was clicked). */
export const openRoomMessageType = 'parley-open-room';

/** One room as the watcher compares it. */
export interface WatchedRoom {
  id: number;
  name: string;
  mentions: number;
}

/** What a page going away posts to the worker. */
export interface WatchMentions {
  type: typeof watchMentionsMessage;
  rooms: WatchedRoom[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Reads one room of a watch message or of GET /api/v1/rooms. */
export function parseWatchedRoom(v: unknown, nameOf: (r: Record<string, unknown>) => string): WatchedRoom | undefined {
  if (!isRecord(v) || typeof v.id !== 'number') return undefined;
  const mentions = typeof v.mentions === 'number' ? v.mentions : 0;
  return { id: v.id, name: nameOf(v), mentions };
}

/** The watch message in data, if it is one. */
export function parseWatchMentions(data: unknown): WatchMentions | undefined {
  if (!isRecord(data) || data.type !== watchMentionsMessage || !Array.isArray(data.rooms)) return undefined;
  const rooms: WatchedRoom[] = [];
  for (const v of data.rooms as unknown[]) {
    const r = parseWatchedRoom(v, (x) => (typeof x.name === 'string' ? x.name : ''));
    if (r) rooms.push(r);
  }
  return { type: watchMentionsMessage, rooms };
}

/** The room URL an open-room message asks for, if data is one. */
export function openRoomMessage(data: unknown): string | undefined {
  if (!isRecord(data) || data.type !== openRoomMessageType || typeof data.url !== 'string') return undefined;
  return roomURL(data.url);
}

/** url if it is one of the app's room paths, so a message cannot send the page elsewhere. */
export function roomURL(url: unknown): string | undefined {
  return typeof url === 'string' && /^\/rooms\/\d+$/.test(url) ? url : undefined;
}

/** The rooms of now whose mention count grew since before, with how much. */
export function grownMentions(before: WatchedRoom[], now: WatchedRoom[]): { room: WatchedRoom; added: number }[] {
  const known = new Map(before.map((r) => [r.id, r.mentions]));
  const out: { room: WatchedRoom; added: number }[] = [];
  for (const r of now) {
    const added = r.mentions - (known.get(r.id) ?? 0);
    if (added > 0) out.push({ room: r, added });
  }
  return out;
}
