// Browser notifications of mentions. They are on only once the user has
// asked for them with a click (the permission prompt is never shown on
// load) and the browser has granted the permission; the choice is kept
// per user in this browser.

/** Where notifications stand for the signed-in user in this browser. */
export type NotifyState = 'unsupported' | 'denied' | 'off' | 'on';

const listeners = new Set<() => void>();

function prefKey(userId: number): string {
  return `parley:notify:${userId}`;
}

function supported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Where notifications stand for userId. */
export function notifyState(userId: number): NotifyState {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const on = Notification.permission === 'granted' && localStorage.getItem(prefKey(userId)) === 'on';
  return on ? 'on' : 'off';
}

/** Calls listener whenever the state may have changed. */
export function onNotifyChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(): void {
  for (const l of listeners) l();
}

/**
 * Asks the browser for permission and turns notifications on if it is
 * given. Call it from a click only: browsers ignore or penalize prompts
 * that no gesture asked for.
 */
export async function enableNotifications(userId: number): Promise<NotifyState> {
  if (!supported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission === 'granted') localStorage.setItem(prefKey(userId), 'on');
  changed();
  return notifyState(userId);
}

/** Turns notifications off for userId (the browser's permission stays). */
export function disableNotifications(userId: number): void {
  localStorage.removeItem(prefKey(userId));
  changed();
}

/** One notification of a mention. */
export interface MentionNotice {
  roomId: number;
  seq: number;
  title: string;
  body: string;
}

/** The tag of a mention's notification: tabs showing the same one replace each other. */
export function mentionTag(roomId: number, seq: number): string {
  return `parley-mention-${roomId}-${seq}`;
}

/**
 * Shows n through the service worker, whose notificationclick handler
 * focuses (or opens) the room; without a worker, as a page notification
 * that does the same on click. It reports whether one was shown.
 */
export async function showMentionNotice(userId: number, n: MentionNotice, open: (url: string) => void): Promise<boolean> {
  if (notifyState(userId) !== 'on') return false;
  const url = `/rooms/${n.roomId}`;
  const options: NotificationOptions = { body: n.body, tag: mentionTag(n.roomId, n.seq), data: { url }, icon: '/icon.svg' };
  const registration = await navigator.serviceWorker?.getRegistration();
  // showNotification needs an active worker; a page the first install has
  // not reached yet shows it itself.
  if (registration?.active) {
    await registration.showNotification(n.title, options);
    return true;
  }
  const shown = new Notification(n.title, options);
  shown.onclick = () => {
    window.focus();
    open(url);
    shown.close();
  };
  return true;
}
