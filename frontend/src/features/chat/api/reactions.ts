import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Reaction } from '../../../lib/schemas';
import type { MessageWindow } from './message-window';
import { messageKeys } from './messages';
import { applyChange, applyGroup, toggleOwn, updateReactions } from './reaction-state';

/** The path of one person's reaction to a message. */
export function reactionPath(roomId: number, seq: number, emoji: string): string {
  return `/api/v1/rooms/${roomId}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`;
}

function update(qc: QueryClient, roomId: number, seq: number, fn: (r: readonly Reaction[]) => Reaction[]): void {
  qc.setQueryData<MessageWindow>(messageKeys.room(roomId), (w) => (w ? updateReactions(w, seq, fn) : w));
}

/** Writes a reaction event into its room's history. */
export function applyReactionEvent(
  qc: QueryClient,
  e: { room_id: number; seq: number; emoji: string; user: { id: number }; added: boolean },
  meId: number,
): void {
  update(qc, e.room_id, e.seq, (r) => applyChange(r, e.emoji, e.added, e.user.id === meId));
}

/** Writes a reaction_batch event into its room's history. */
export function applyReactionBatch(
  qc: QueryClient,
  e: { room_id: number; reactions: { seq: number; emoji: string; added: number[]; removed: number[] }[] },
  meId: number,
): void {
  for (const g of e.reactions) {
    update(qc, e.room_id, g.seq, (r) => applyGroup(r, g.emoji, g.added, g.removed, meId));
  }
}

/** A toggle of the caller's own reaction. */
export interface ReactionToggle {
  seq: number;
  emoji: string;
  add: boolean;
}

/**
 * Adds or removes the caller's reaction: shown at once, then sent (PUT or
 * DELETE, both idempotent, so a refused one is safely retried); a failure
 * puts the screen back. Toggles in one room run one after the other, so
 * the server ends where the last click left the screen.
 */
export function useToggleReaction(roomId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: ReactionToggle) =>
      api(reactionPath(roomId, v.seq, v.emoji), { method: v.add ? 'PUT' : 'DELETE', retry: true }),
    onMutate: (v) => update(qc, roomId, v.seq, (r) => toggleOwn(r, v.emoji, v.add)),
    onError: (_err, v) => update(qc, roomId, v.seq, (r) => toggleOwn(r, v.emoji, !v.add)),
    scope: { id: `reactions-${roomId}` },
  });
}
