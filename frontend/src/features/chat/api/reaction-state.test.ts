import { describe, expect, it } from 'vitest';
import type { Message, Reaction } from '../../../lib/schemas';
import { mergeMessages, replaceMessage } from './message-window';
import { applyChange, applyGroup, toggleOwn, updateReactions } from './reaction-state';

const user = { id: 1, username: 'ana', display_name: 'Ana' };
function m(seq: number, reactions?: Reaction[]): Message {
  const base = { id: seq, room_id: 1, seq, user, body: `m${seq}`, created_at: '2026-01-01T00:00:00Z', deleted: false };
  return reactions === undefined ? base : { ...base, reactions };
}
const r = (emoji: string, count: number, me = false): Reaction => ({ emoji, count, me });

describe('toggleOwn', () => {
  it('OKAddNew', () => {
    expect(toggleOwn([r('🎉', 2)], '👍', true)).toEqual([r('🎉', 2), r('👍', 1, true)]);
  });
  it('OKAddToExisting', () => {
    expect(toggleOwn([r('👍', 2)], '👍', true)).toEqual([r('👍', 3, true)]);
  });
  it('OKAddTwiceIsOnce', () => {
    expect(toggleOwn(toggleOwn([], '👍', true), '👍', true)).toEqual([r('👍', 1, true)]);
  });
  it('OKRemoveLastDropsChip', () => {
    expect(toggleOwn([r('👍', 1, true), r('🎉', 1)], '👍', false)).toEqual([r('🎉', 1)]);
  });
  it('OKRemoveKeepsOthers', () => {
    expect(toggleOwn([r('👍', 3, true)], '👍', false)).toEqual([r('👍', 2)]);
  });
  it('OKRemoveAbsentChangesNothing', () => {
    expect(toggleOwn([r('👍', 3)], '👍', false)).toEqual([r('👍', 3)]);
  });
});

describe('applyChange', () => {
  it('OKOthersMoveTheCount', () => {
    let list = applyChange([], '👍', true, false);
    list = applyChange(list, '👍', true, false);
    expect(list).toEqual([r('👍', 2)]);
    expect(applyChange(list, '👍', false, false)).toEqual([r('👍', 1)]);
    expect(applyChange([r('👍', 1)], '👍', false, false)).toEqual([]);
  });
  it('OKOwnEchoAfterOptimisticIsIgnored', () => {
    const shown = toggleOwn([r('👍', 4)], '👍', true);
    expect(applyChange(shown, '👍', true, true)).toEqual([r('👍', 5, true)]);
  });
  it('OKOwnFromAnotherTab', () => {
    expect(applyChange([r('👍', 4)], '👍', true, true)).toEqual([r('👍', 5, true)]);
  });
});

describe('applyGroup', () => {
  it('OKBatchOfManyWithMe', () => {
    const added = Array.from({ length: 1000 }, (_, i) => i + 2);
    const list = applyGroup([], '🔥', [...added, 1], [], 1);
    expect(list).toEqual([r('🔥', 1001, true)]);
    expect(applyGroup(list, '🔥', [], [1, 2], 1)).toEqual([r('🔥', 999, false)]);
  });
});

describe('updateReactions', () => {
  it('OKKeepsUntouchedMessages', () => {
    const w = { messages: [m(1, []), m(2, [])], hasOlder: false };
    const next = updateReactions(w, 2, (list) => applyChange(list, '👍', true, false));
    expect(next.messages[0]).toBe(w.messages[0]);
    expect(next.messages[1]?.reactions).toEqual([r('👍', 1)]);
    expect(updateReactions(w, 9, (list) => applyChange(list, '👍', true, false))).toBe(w);
  });
  it('OKDeletedMessageTakesNone', () => {
    const w = { messages: [{ ...m(1, []), deleted: true }], hasOlder: false };
    expect(updateReactions(w, 1, (list) => applyChange(list, '👍', true, false))).toBe(w);
  });
});

describe('reactions when a message arrives again', () => {
  it('OKEventWithoutReactionsKeepsThem', () => {
    const held = [m(1, [r('👍', 2, true)])];
    // An ack or a message event carries no reactions: the held ones stay.
    expect(mergeMessages(held, [m(1)])[0]).toBe(held[0]);
    const edited = replaceMessage({ messages: held, hasOlder: false }, { ...m(1), body: 'edited' }).messages[0];
    expect(edited?.body).toBe('edited');
    expect(edited?.reactions).toEqual([r('👍', 2, true)]);
  });
  it('OKHistoryReadReplacesThem', () => {
    const held = [m(1, [r('👍', 2, true)])];
    expect(mergeMessages(held, [m(1, [])])[0]?.reactions).toEqual([]);
    expect(mergeMessages(held, [m(1, [r('👍', 3, true)])])[0]?.reactions).toEqual([r('👍', 3, true)]);
    const same = [m(1, [r('👍', 2, true)])];
    expect(mergeMessages(held, same)[0]).toBe(held[0]);
  });
});
