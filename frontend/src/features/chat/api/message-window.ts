import type { Message } from '../../../lib/schemas';
import { sameReactions } from './reaction-state';

/** The loaded part of a room's history: contiguous, ascending by seq. */
export interface MessageWindow {
  messages: Message[];
  /** Whether older messages exist before the first one held. */
  hasOlder: boolean;
  /**
   * Whether newer messages exist after the last one held: the window was
   * opened around an older message (a search result) and does not reach
   * the present yet.
   */
  hasNewer?: boolean;
}

/** How many messages before a message the window opened around it holds. */
export const aroundBefore = 25;

/** The after_seq that loads a page holding seq and the messages around it. */
export function afterSeqAround(seq: number): number {
  return Math.max(0, seq - aroundBefore - 1);
}

/** Whether the window holds seq. */
export function holdsSeq(window: MessageWindow | undefined, seq: number): boolean {
  const first = window?.messages[0]?.seq;
  const last = window?.messages[window.messages.length - 1]?.seq;
  return first !== undefined && last !== undefined && seq >= first && seq <= last;
}

/**
 * Puts a live message into the window. A window that does not reach the
 * present takes only a message that continues it: one further on would
 * leave a gap, and loading the newer pages brings it anyway.
 */
export function mergeLive(window: MessageWindow, message: Message): MessageWindow {
  const last = window.messages[window.messages.length - 1]?.seq ?? 0;
  if (window.hasNewer && message.seq > last + 1) return window;
  return { ...window, messages: mergeMessages(window.messages, [message]) };
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
      out.push(pick(a, b));
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Replaces one message (an edit) if the window holds its seq. An edit
 * carries no reactions and changes none: the held ones stay.
 */
export function replaceMessage(window: MessageWindow, message: Message): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === message.seq);
  const found = window.messages[index];
  if (!found) return window;
  const messages = window.messages.slice();
  messages[index] = pick(found, message);
  return { ...window, messages };
}

/** Marks one message deleted, keeping its place in the history. */
export function deleteMessage(window: MessageWindow, seq: number): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === seq);
  const found = window.messages[index];
  if (!found) return window;
  const messages = window.messages.slice();
  messages[index] = { ...found, body: '', deleted: true, reactions: [] };
  return { ...window, messages };
}

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}

/**
 * What to hold when a message arrives again: the held object if nothing
 * changed (memoized rows stay put), else the new one. History reads always
 * carry reactions; events (a send, an ack, an edit) never do, and then the
 * held reactions stay.
 */
function pick(held: Message, incoming: Message): Message {
  const reactions = incoming.reactions ?? held.reactions;
  if (
    held.body === incoming.body &&
    held.edited_at === incoming.edited_at &&
    held.deleted === incoming.deleted &&
    held.reply_count === incoming.reply_count &&
    held.last_reply_at === incoming.last_reply_at &&
    sameReactions(held.reactions, reactions)
  ) {
    return held;
  }
  return reactions === incoming.reactions ? incoming : { ...incoming, reactions };
}
