import { describe, expect, it } from 'vitest';
import type { Message } from '../../../lib/schemas';
import { deleteMessage, mergeMessages, replaceMessage } from './message-window';

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
