import { describe, expect, it } from 'vitest';
import type { Message } from '../../../lib/schemas';
import { coveredSeqs, noteReplyInWindow, withReply } from './thread-window';

const user = { id: 1, username: 'ana', display_name: 'Ana' };
function m(seq: number, extra: Partial<Message> = {}): Message {
  return { id: seq, room_id: 1, seq, user, body: `m${seq}`, created_at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`, ...extra };
}
const reply = (seq: number, number: number) => m(seq, { reply_to: 1, reply_number: number });

describe('withReply', () => {
  it('OKCountsFromTheReplyNumber', () => {
    const parent = withReply(m(1), reply(3, 1));
    expect(parent.reply_count).toBe(1);
    expect(parent.last_reply_at).toBe(reply(3, 1).created_at);
  });

  it('OKNoDoubleCount', () => {
    // The page fetched already counted reply 2; the same reply arriving
    // live, or replayed after a reconnect, changes nothing.
    const parent = m(1, { reply_count: 2, last_reply_at: reply(5, 2).created_at });
    expect(withReply(parent, reply(5, 2))).toBe(parent);
    expect(withReply(parent, reply(3, 1))).toBe(parent);
  });

  it('OKOutOfOrder', () => {
    const parent = withReply(withReply(m(1), reply(6, 3)), reply(4, 2));
    expect(parent.reply_count).toBe(3);
    expect(parent.last_reply_at).toBe(reply(6, 3).created_at);
  });
});

describe('noteReplyInWindow', () => {
  it('OK', () => {
    const w = { messages: [m(1), m(2)], hasOlder: false };
    const next = noteReplyInWindow(w, reply(3, 1));
    expect(next.messages[0]?.reply_count).toBe(1);
    expect(next.messages[1]).toBe(w.messages[1]);
  });

  it('OKParentNotHeld', () => {
    const w = { messages: [m(2)], hasOlder: true };
    expect(noteReplyInWindow(w, reply(3, 1))).toBe(w);
  });
});

describe('coveredSeqs', () => {
  it('OK', () => {
    const list = [m(1), reply(2, 1), m(3), reply(4, 2), reply(5, 3), m(6)];
    expect([...coveredSeqs(list)]).toEqual([
      [1, 2],
      [3, 5],
      [6, 6],
    ]);
  });

  it('OKLeadingRepliesBelongToNoRow', () => {
    expect([...coveredSeqs([reply(2, 1), m(3)])]).toEqual([[3, 3]]);
  });
});
