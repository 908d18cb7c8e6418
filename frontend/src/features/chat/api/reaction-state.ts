import type { Message, Reaction } from '../../../lib/schemas';
import type { MessageWindow } from './message-window';

// How reactions change on screen. Every function returns new arrays and
// objects for what changed and keeps the rest, so memoized rows re-render
// only when their own reactions moved.

/**
 * The caller's own toggle, applied before the server answers: their mark
 * set or cleared and the count moved with it. Applying what is already
 * there changes nothing, so a repeat (or the server's echo) is harmless.
 */
export function toggleOwn(reactions: readonly Reaction[], emoji: string, add: boolean): Reaction[] {
  const i = reactions.findIndex((r) => r.emoji === emoji);
  const found = reactions[i];
  if (add) {
    if (found?.me) return reactions.slice();
    if (!found) return [...reactions, { emoji, count: 1, me: true }];
    return replaceAt(reactions, i, { emoji, count: found.count + 1, me: true });
  }
  if (!found?.me) return reactions.slice();
  if (found.count <= 1) return reactions.filter((_, j) => j !== i);
  return replaceAt(reactions, i, { emoji, count: found.count - 1, me: false });
}

/**
 * One change the server announced. The caller's own change is applied only
 * if the screen does not show it yet (this tab already did, optimistically);
 * anyone else's moves the count.
 */
export function applyChange(
  reactions: readonly Reaction[],
  emoji: string,
  added: boolean,
  byMe: boolean,
): Reaction[] {
  if (byMe) return toggleOwn(reactions, emoji, added);
  const i = reactions.findIndex((r) => r.emoji === emoji);
  const found = reactions[i];
  if (added) {
    if (!found) return [...reactions, { emoji, count: 1, me: false }];
    return replaceAt(reactions, i, { ...found, count: found.count + 1 });
  }
  if (!found) return reactions.slice();
  if (found.count <= 1) return reactions.filter((_, j) => j !== i);
  return replaceAt(reactions, i, { ...found, count: found.count - 1 });
}

/** A reaction_batch group: everyone who added and removed one emoji. */
export function applyGroup(
  reactions: readonly Reaction[],
  emoji: string,
  added: readonly number[],
  removed: readonly number[],
  meId: number,
): Reaction[] {
  let out = reactions.slice();
  for (const id of removed) out = applyChange(out, emoji, false, id === meId);
  for (const id of added) out = applyChange(out, emoji, true, id === meId);
  return out;
}

/** Applies fn to the reactions of one message of the window, if held. */
export function updateReactions(
  window: MessageWindow,
  seq: number,
  fn: (reactions: readonly Reaction[]) => Reaction[],
): MessageWindow {
  const index = window.messages.findIndex((m) => m.seq === seq);
  const found = window.messages[index];
  if (!found || found.deleted) return window;
  const next = fn(found.reactions ?? []);
  if (sameReactions(found.reactions, next)) return window;
  const messages = window.messages.slice();
  const message: Message = { ...found, reactions: next };
  messages[index] = message;
  return { ...window, messages };
}

/** Whether two reaction lists show the same thing (missing = empty). */
export function sameReactions(a: readonly Reaction[] | undefined, b: readonly Reaction[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r, i) => r.emoji === y[i]?.emoji && r.count === y[i]?.count && r.me === y[i]?.me);
}

function replaceAt(list: readonly Reaction[], i: number, r: Reaction): Reaction[] {
  const out = list.slice();
  out[i] = r;
  return out;
}
