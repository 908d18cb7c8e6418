import type { Message } from '../../../lib/schemas';

/** The loaded part of a room's history: contiguous, ascending by seq. */
export interface MessageWindow {
  messages: Message[];
  /** Whether older messages exist before the first one held. */
  hasOlder: boolean;
}

/**
 * Merges two ascending runs of messages by seq. A message present in both
 * is taken from incoming (it may be an edit), but an unchanged one keeps
 * its object so memoized rows do not re-render.
 */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  if (current.length === 0) return [...incoming].sort(bySeq);
  const sorted = [...incoming].sort(bySeq);
  const last = current[current.length - 1];
  const first = sorted[0];
  // The common cases, a newer message or an older page, need no full merge.
  if (last && first && first.seq > last.seq) return [...current, ...sorted];
  const lastIncoming = sorted[sorted.length - 1];
  const firstCurrent = current[0];
  if (lastIncoming && firstCurrent && lastIncoming.seq < firstCurrent.seq) {
    return [...sorted, ...current];
  }
  const out: Message[] = [];
  let i = 0;
  let j = 0;
  while (i < current.length || j < sorted.length) {
    const a = current[i];
    const b = sorted[j];
    if (b === undefined || (a !== undefined && a.seq < b.seq)) {
      out.push(a as Message);
      i++;
    } else if (a === undefined || b.seq < a.seq) {
      out.push(b);
      j++;
    } else {
      out.push(sameMessage(a, b) ? a : b);
      i++;
      j++;
    }
  }
  return out;
}

/** Replaces one message (an edit) if the window holds its seq. */
export function replaceMessage(window: MessageWindow, message: Message): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === message.seq);
  if (index < 0) return window;
  const messages = window.messages.slice();
  messages[index] = message;
  return { ...window, messages };
}

/** Marks one message deleted, keeping its place in the history. */
export function deleteMessage(window: MessageWindow, seq: number): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === seq);
  const found = window.messages[index];
  if (!found) return window;
  const messages = window.messages.slice();
  messages[index] = { ...found, body: '', deleted: true };
  return { ...window, messages };
}

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.body === b.body &&
    a.edited_at === b.edited_at &&
    a.deleted === b.deleted &&
    a.reply_count === b.reply_count &&
    a.last_reply_at === b.last_reply_at
  );
}
