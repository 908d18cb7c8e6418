import { describe, expect, it } from 'vitest';
import type { Message } from '../../../lib/schemas';
import {
  afterSeqAround,
  aroundBefore,
  deleteMessage,
  holdsSeq,
  mergeLive,
  mergeMessages,
  replaceMessage,
} from './message-window';

const user = { id: 1, username: 'ana', display_name: 'Ana' };
function m(seq: number, body = `m${seq}`): Message {
  return { id: seq, room_id: 1, seq, user, body, created_at: '2026-01-01T00:00:00Z', deleted: false };
}
const seqs = (list: Message[]) => list.map((x) => x.seq);

describe('mergeMessages', () => {
  const cases: { name: string; current: number[]; incoming: number[]; want: number[] }[] = [
    { name: 'append', current: [1, 2, 3], incoming: [4], want: [1, 2, 3, 4] },
    { name: 'older page', current: [51, 52], incoming: [49, 50], want: [49, 50, 51, 52] },
    { name: 'overlap', current: [1, 2, 3], incoming: [2, 3, 4, 5], want: [1, 2, 3, 4, 5] },
    { name: 'unsorted incoming', current: [1], incoming: [3, 2], want: [1, 2, 3] },
    { name: 'into empty', current: [], incoming: [2, 1], want: [1, 2] },
    { name: 'duplicate only', current: [1, 2], incoming: [2], want: [1, 2] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(seqs(mergeMessages(c.current.map((s) => m(s)), c.incoming.map((s) => m(s))))).toEqual(c.want);
    });
  }

  it('OKKeepsUnchangedObjects', () => {
    const current = [m(1), m(2)];
    const merged = mergeMessages(current, [m(1), m(2, 'edited'), m(3)]);
    expect(merged[0]).toBe(current[0]);
    expect(merged[1]?.body).toBe('edited');
  });
});

describe('replaceMessage and deleteMessage', () => {
  it('OK', () => {
    const w = { messages: [m(1), m(2)], hasOlder: false };
    expect(replaceMessage(w, m(2, 'new')).messages[1]?.body).toBe('new');
    const d = deleteMessage(w, 1).messages[0];
    expect(d?.deleted).toBe(true);
    expect(d?.body).toBe('');
  });

  it('ErrUnknownSeq', () => {
    const w = { messages: [m(1)], hasOlder: false };
    expect(replaceMessage(w, m(9))).toBe(w);
    expect(deleteMessage(w, 9)).toBe(w);
  });
});

describe('windows opened around a message', () => {
  it('OKAfterSeqAround', () => {
    // The page after afterSeqAround(seq) starts aroundBefore messages before seq.
    expect(afterSeqAround(1000)).toBe(1000 - aroundBefore - 1);
    expect(afterSeqAround(3)).toBe(0);
    expect(afterSeqAround(1)).toBe(0);
  });

  it('OKHoldsSeq', () => {
    const w = { messages: [m(10), m(11), m(12)], hasOlder: true };
    expect(holdsSeq(w, 10)).toBe(true);
    expect(holdsSeq(w, 12)).toBe(true);
    expect(holdsSeq(w, 9)).toBe(false);
    expect(holdsSeq(w, 13)).toBe(false);
    expect(holdsSeq({ messages: [], hasOlder: false }, 1)).toBe(false);
    expect(holdsSeq(undefined, 1)).toBe(false);
  });

  it('OKMergeLiveAtThePresent', () => {
    const w = { messages: [m(1), m(2)], hasOlder: false };
    expect(seqs(mergeLive(w, m(3)).messages)).toEqual([1, 2, 3]);
    // At the present a skipped seq still goes in: the socket's resume fills the gap.
    expect(seqs(mergeLive(w, m(5)).messages)).toEqual([1, 2, 5]);
  });

  it('OKMergeLiveShortOfThePresent', () => {
    const w = { messages: [m(10), m(11)], hasOlder: true, hasNewer: true };
    // A message far ahead of the window would leave a gap: the window waits for its newer pages.
    expect(mergeLive(w, m(500))).toBe(w);
    // One that continues it, or an edit of one it holds, goes in.
    expect(seqs(mergeLive(w, m(12)).messages)).toEqual([10, 11, 12]);
    const edited = mergeLive(w, m(11, 'edited'));
    expect(edited.messages[1]?.body).toBe('edited');
    expect(edited.hasNewer).toBe(true);
  });
});
