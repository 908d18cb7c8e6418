import type { Message } from '../../../lib/schemas';
import type { MessageWindow } from './message-window';

// A reply carries its place in its thread (reply_number). Replies are
// never removed, so that place is also its parent's reply_count once it
// was committed: taking the larger count and the later time from every
// reply seen, live, replayed or fetched, keeps a parent exact without
// ever counting a reply twice, in whatever order they arrive.

/** The parent as it stands once reply is in its thread. */
export function withReply(parent: Message, reply: Message): Message {
  const count = Math.max(parent.reply_count ?? 0, reply.reply_number ?? 0);
  const last = later(parent.last_reply_at, reply.created_at);
  if (count === (parent.reply_count ?? 0) && last === parent.last_reply_at) return parent;
  return { ...parent, reply_count: count, last_reply_at: last };
}

/** Counts reply into its parent, if the window holds the parent. */
export function noteReplyInWindow(window: MessageWindow, reply: Message): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === reply.reply_to);
  const parent = window.messages[index];
  if (!parent) return window;
  const updated = withReply(parent, reply);
  if (updated === parent) return window;
  const messages = window.messages.slice();
  messages[index] = updated;
  return { ...window, messages };
}

/**
 * Maps each top-level message of a room's history to the newest seq
 * shown by it: itself and the replies after it, up to the next top-level
 * one. Replies have no row in the room's list, so a reader who has seen a
 * top-level message has seen what its row stands for.
 */
export function coveredSeqs(messages: Message[]): Map<number, number> {
  const covered = new Map<number, number>();
  let top: number | undefined;
  for (const m of messages) {
    if (m.reply_to === undefined) {
      top = m.seq;
      covered.set(m.seq, m.seq);
    } else if (top !== undefined) {
      covered.set(top, m.seq);
    }
  }
  return covered;
}

function later(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
