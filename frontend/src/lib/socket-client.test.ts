import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff';
import { StorageOutbox } from './outbox';
import type { Message } from './schemas';
import {
  MAX_CONNECT_RESUME_CHARS,
  MAX_CONNECT_RESUME_ROOMS,
  SocketClient,
  type SocketLike,
} from './socket-client';
import type { ServerEvent } from './socket-events';

class FakeSocket implements SocketLike {
  constructor(readonly url: string) {}
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(event: object): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(event) }));
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
  sentOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
  /** The rooms and seqs the URL asks to resume, in URL order. */
  resumePoint(): [number, number][] {
    const value = new URL(this.url).searchParams.get('resume');
    if (value === null) return [];
    return value.split(',').map((pair) => {
      const [id, seq, ...rest] = pair.split(':');
      if (id === undefined || seq === undefined || rest.length > 0) throw new Error(`bad pair ${pair}`);
      return [Number(id), Number(seq)];
    });
  }
}

const alice = { id: 1, username: 'alice', display_name: 'Alice' };

function msg(roomId: number, seq: number, clientId = `c${seq}`): Message {
  return {
    id: roomId * 1000 + seq,
    room_id: roomId,
    seq,
    user: alice,
    body: `m${seq}`,
    client_id: clientId,
    created_at: '2026-01-01T00:00:00Z',
    deleted: false,
  };
}

interface Harness {
  client: SocketClient;
  sockets: FakeSocket[];
  events: ServerEvent[];
  outbox: StorageOutbox;
  online: { value: boolean };
  last(): FakeSocket;
  connect(rooms?: Record<string, number>): FakeSocket;
}

function setup(random = 0.5, url = 'ws://test/ws', onSessionEnded?: () => void): Harness {
  const sockets: FakeSocket[] = [];
  const events: ServerEvent[] = [];
  const outbox = new StorageOutbox(alice.id);
  const online = { value: true };
  const client = new SocketClient({
    url,
    outbox,
    createSocket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
    random: () => random,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    isOnline: () => online.value,
    ...(onSessionEnded ? { onSessionEnded } : {}),
  });
  client.onEvent((e) => events.push(e));
  const h: Harness = {
    client,
    sockets,
    events,
    outbox,
    online,
    last: () => {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error('no socket yet');
      return s;
    },
    connect: (rooms = {}) => {
      const s = h.last();
      s.open();
      // A current server says it took the resume point named in the URL.
      const resuming = s.url.includes('resume=');
      s.receive({ type: 'ready', user: alice, rooms, ...(resuming ? { resuming } : {}) });
      return s;
    },
  };
  return h;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('OK', () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(0, 0, opts)).toBe(50);
    expect(backoffDelay(0, 1, opts)).toBe(100);
    expect(backoffDelay(3, 0, opts)).toBe(400);
    expect(backoffDelay(3, 1, opts)).toBe(800);
    expect(backoffDelay(20, 1, opts)).toBe(1_000);
    expect(backoffDelay(20, 0, opts)).toBe(500);
  });
});

describe('SocketClient reconnect', () => {
  it('OK', () => {
    const h = setup(0);
    h.client.start();
    h.connect();
    expect(h.client.getState()).toBe('open');

    // Each failed attempt doubles the (jittered) wait up to the cap.
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.last().drop();
      expect(h.client.getState()).toBe('reconnecting');
      const before = h.sockets.length;
      let waited = 0;
      while (h.sockets.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([50, 100, 200, 400, 500, 500]);

    // A successful ready resets the backoff.
    h.connect();
    h.last().drop();
    vi.advanceTimersByTime(49);
    const count = h.sockets.length;
    vi.advanceTimersByTime(1);
    expect(h.sockets.length).toBe(count + 1);
    h.client.stop();
  });

  it('ErrSessionEnded', () => {
    // Logout elsewhere or expiry: the token is dead, so no reconnect.
    const ended = vi.fn();
    const h = setup(0, 'ws://test/ws', ended);
    h.client.start();
    h.connect();
    h.last().drop(4001);
    expect(h.client.getState()).toBe('stopped');
    expect(ended).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(h.sockets.length).toBe(1);
  });

  it('ErrTooManySockets', () => {
    // Refused over the cap: wait as after several failures, not at once.
    const h = setup(0);
    h.client.start();
    h.connect();
    h.last().drop(4029);
    expect(h.client.getState()).toBe('reconnecting');
    vi.advanceTimersByTime(499);
    expect(h.sockets.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(h.sockets.length).toBe(2);
    h.client.stop();
  });

  it('ErrServerBusy', () => {
    // Refused at capacity before ready: wait the hint, then full jitter.
    const h = setup(0.5);
    h.client.start();
    h.last().open();
    h.last().drop(1013, 'server busy, retry_after=3');
    expect(h.client.getState()).toBe('reconnecting');
    // attempt 0: 3000 ms + 0.5 × min(1000, 100) = 3050 ms.
    vi.advanceTimersByTime(3_049);
    expect(h.sockets.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(h.sockets.length).toBe(2);
    // Refused again: the jitter's ceiling doubles, the hint stays.
    h.last().open();
    h.last().drop(1013, 'could not load rooms, retry_after=2');
    vi.advanceTimersByTime(2_099);
    expect(h.sockets.length).toBe(2);
    vi.advanceTimersByTime(1);
    expect(h.sockets.length).toBe(3);
    h.client.stop();
  });

  it('OKQueueFullReconnectsSoon', () => {
    // 1013 without a hint (the send queue overflowed): the usual backoff.
    const h = setup(0);
    h.client.start();
    h.connect();
    h.last().drop(1013, 'send queue full, reconnect and resume');
    vi.advanceTimersByTime(49);
    expect(h.sockets.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(h.sockets.length).toBe(2);
    h.client.stop();
  });

  it('ErrOffline', () => {
    const h = setup();
    h.client.start();
    h.connect();
    h.online.value = false;
    h.last().drop();
    expect(h.client.getState()).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(h.sockets.length).toBe(1);
    h.online.value = true;
    h.client.goOnline();
    expect(h.sockets.length).toBe(2);
    h.connect();
    expect(h.client.getState()).toBe('open');
    h.client.stop();
  });
});

function messageSeqs(events: ServerEvent[], roomId: number): number[] {
  return events.flatMap((e) => (e.type === 'message' && e.message.room_id === roomId ? [e.message.seq] : []));
}

describe('SocketClient resume', () => {
  it('OK', () => {
    const h = setup();
    h.client.start();
    h.client.noteSeq(7, 10);
    const first = h.connect({ '7': 10, '8': 3 });
    // Nothing was followed when the first socket opened.
    expect(first.url).toBe('ws://test/ws');
    expect(first.sentOfType('resume')).toEqual([]);
    first.receive({ type: 'message', message: msg(7, 11) });
    first.drop();
    vi.advanceTimersByTime(1_000);

    // Both rooms moved on while we were away: room 7 from the history the
    // app loaded, room 8 from the point the first ready reported. The URL
    // names both, so the server replays them and no frame asks again.
    const second = h.connect({ '7': 14, '8': 5 });
    expect(second.url).toBe('ws://test/ws?resume=7:11,8:3');
    expect(second.sentOfType('resume')).toEqual([]);
    for (const seq of [12, 13, 14]) second.receive({ type: 'message', message: msg(7, seq) });
    for (const seq of [4, 5]) second.receive({ type: 'message', message: msg(8, seq) });
    second.receive({ type: 'resumed' });
    // Live after the replay, plus a late duplicate of a replayed one.
    second.receive({ type: 'message', message: msg(7, 15) });
    second.receive({ type: 'message', message: msg(7, 13) });
    expect(messageSeqs(h.events, 7)).toEqual([11, 12, 13, 14, 15]);
    expect(messageSeqs(h.events, 8)).toEqual([4, 5]);
    expect(second.sent).toEqual([]);
    expect(h.client.lastSeq(7)).toBe(15);
    expect(h.client.lastSeq(8)).toBe(5);

    // Every reconnect names what is held by then.
    second.drop();
    vi.advanceTimersByTime(1_000);
    expect(h.last().url).toBe('ws://test/ws?resume=7:15,8:5');
    h.client.stop();
  });

  it('OKServerIgnoresConnectPoint', () => {
    // An older replica (a rolling deploy) ignores the parameter and says
    // nothing of it in ready: the client resumes by frame as it used to.
    const h = setup();
    h.client.noteSeq(7, 10);
    h.client.start();
    const s = h.last();
    expect(s.url).toBe('ws://test/ws?resume=7:10');
    s.open();
    s.receive({ type: 'ready', user: alice, rooms: { '7': 12 } });
    expect(s.sentOfType('resume')).toEqual([{ type: 'resume', rooms: { '7': 10 } }]);
    for (const seq of [11, 12]) s.receive({ type: 'message', message: msg(7, seq) });
    s.receive({ type: 'resumed' });
    expect(messageSeqs(h.events, 7)).toEqual([11, 12]);
    h.client.stop();
  });

  it('OKUrlWithQuery', () => {
    for (const [url, want] of [
      ['ws://test/ws?token=t', 'ws://test/ws?token=t&resume=7:10'],
      ['ws://test/ws?', 'ws://test/ws?resume=7:10'],
      ['ws://test/ws?token=t&', 'ws://test/ws?token=t&resume=7:10'],
    ] as const) {
      const h = setup(0.5, url);
      h.client.noteSeq(7, 10);
      h.client.start();
      expect(h.last().url).toBe(want);
      h.client.stop();
    }
  });

  it('OKGapWhileResumingAtConnect', () => {
    const h = setup();
    h.client.noteSeq(7, 10);
    h.client.start();
    const s = h.connect({ '7': 14, '9': 0 });
    expect(s.resumePoint()).toEqual([[7, 10]]);
    // Out of order before resumed: the connect replay is still filling the
    // room, so asking again would only replay it twice.
    s.receive({ type: 'message', message: msg(7, 12) });
    s.receive({ type: 'message', message: msg(7, 11) });
    s.receive({ type: 'message', message: msg(7, 14) });
    s.receive({ type: 'message', message: msg(7, 13) });
    s.receive({ type: 'message', message: msg(7, 16) });
    expect(s.sentOfType('resume')).toEqual([]);
    expect(h.client.lastSeq(7)).toBe(14);

    // A room not named in the URL still asks for its gap at once.
    s.receive({ type: 'message', message: msg(9, 2) });
    expect(s.sentOfType('resume')).toEqual([{ type: 'resume', rooms: { '9': 0 } }]);

    s.receive({ type: 'resumed' });
    // Once the replay is over, a gap left in room 7 asks for its own.
    s.receive({ type: 'message', message: msg(7, 17) });
    expect(s.sentOfType('resume')).toEqual([
      { type: 'resume', rooms: { '9': 0 } },
      { type: 'resume', rooms: { '7': 14 } },
    ]);
    expect(messageSeqs(h.events, 7)).toEqual([12, 11, 14, 13, 16, 17]);
    h.client.stop();
  });

  it('OKOverCap', () => {
    const h = setup();
    const total = MAX_CONNECT_RESUME_ROOMS + 2;
    for (let id = 1; id <= total; id++) h.client.noteSeq(id, 5);
    h.client.start();
    const ready: Record<string, number> = { '5000': 3 };
    for (let id = 1; id <= total; id++) ready[String(id)] = 6;
    const s = h.connect(ready);

    const named = s.resumePoint();
    expect(named).toHaveLength(MAX_CONNECT_RESUME_ROOMS);
    expect(named.map(([id]) => id)).toEqual(Array.from({ length: MAX_CONNECT_RESUME_ROOMS }, (_, i) => i + 1));
    expect(named.every(([, seq]) => seq === 5)).toBe(true);
    // Only the rooms left out of the URL resume by frame.
    const overflow = { [String(total - 1)]: 5, [String(total)]: 5 };
    expect(s.sentOfType('resume')).toEqual([{ type: 'resume', rooms: overflow }]);

    // The URL replay ends first; the frame's rooms still wait for theirs.
    s.receive({ type: 'message', message: msg(1, 6) });
    s.receive({ type: 'resumed' });
    s.receive({ type: 'message', message: msg(total, 7) });
    expect(s.sentOfType('resume')).toHaveLength(1);
    s.receive({ type: 'message', message: msg(total, 6) });
    s.receive({ type: 'resumed' });
    expect(h.client.lastSeq(total)).toBe(7);
    expect(h.client.lastSeq(5000)).toBe(3);
    h.client.stop();
  });

  it('OKLongUrl', () => {
    const h = setup();
    const base = 1_000_000_000;
    for (let i = 0; i < MAX_CONNECT_RESUME_ROOMS; i++) h.client.noteSeq(base + i, base + i);
    h.client.start();
    const ready: Record<string, number> = {};
    for (let i = 0; i < MAX_CONNECT_RESUME_ROOMS; i++) ready[String(base + i)] = base + i + 1;
    const s = h.connect(ready);

    // Ten-digit ids and seqs would make a 22 KB URL; it stops at the budget.
    const value = new URL(s.url).searchParams.get('resume') ?? '';
    expect(value.length).toBeLessThanOrEqual(MAX_CONNECT_RESUME_CHARS);
    const named = s.resumePoint();
    expect(named.length).toBe(Math.floor((MAX_CONNECT_RESUME_CHARS + 1) / 22));
    const frames = s.sentOfType('resume');
    expect(frames).toHaveLength(1);
    const rooms = Object.keys(frames[0]?.rooms ?? {}).map(Number);
    expect(rooms).toHaveLength(MAX_CONNECT_RESUME_ROOMS - named.length);
    expect(new Set([...named.map(([id]) => id), ...rooms]).size).toBe(MAX_CONNECT_RESUME_ROOMS);
    h.client.stop();
  });

  it('ErrBadSeqLeftOut', () => {
    const h = setup();
    h.client.noteSeq(7, 10);
    h.client.noteSeq(8, 2.5);
    h.client.noteSeq(0, 1);
    h.client.start();
    // One pair the server cannot parse would refuse the whole upgrade.
    expect(h.last().url).toBe('ws://test/ws?resume=7:10');
    h.client.stop();
  });
});

describe('SocketClient gap fill', () => {
  it('OK', () => {
    const h = setup();
    h.client.start();
    h.client.noteSeq(7, 10);
    const s = h.connect({ '7': 10 });
    s.receive({ type: 'message', message: msg(7, 11) });
    s.receive({ type: 'message', message: msg(7, 14) });
    s.receive({ type: 'message', message: msg(7, 15) });
    // One resume for the gap, not one per early message.
    expect(s.sentOfType('resume')).toEqual([{ type: 'resume', rooms: { '7': 11 } }]);
    expect(h.client.lastSeq(7)).toBe(11);

    for (const seq of [12, 13, 14, 15]) s.receive({ type: 'message', message: msg(7, seq) });
    s.receive({ type: 'resumed' });
    expect(h.client.lastSeq(7)).toBe(15);
    const seqs = h.events.flatMap((e) => (e.type === 'message' ? [e.message.seq] : []));
    expect(seqs).toEqual([11, 14, 15, 12, 13]);
    h.client.stop();
  });

  it('ErrDuplicate', () => {
    const h = setup();
    h.client.start();
    h.client.noteSeq(7, 10);
    const s = h.connect({ '7': 10 });
    s.receive({ type: 'message', message: msg(7, 11) });
    s.receive({ type: 'message', message: msg(7, 11) });
    s.receive({ type: 'message', message: msg(7, 9) });
    expect(h.events.filter((e) => e.type === 'message')).toHaveLength(1);
    h.client.stop();
  });
});

describe('SocketClient outbox', () => {
  it('OK', () => {
    const h = setup();
    h.client.start();
    const s = h.connect({ '7': 0 });
    const entry = h.client.send(7, 'hello');
    expect(s.sentOfType('send')).toEqual([
      { type: 'send', room_id: 7, body: 'hello', client_id: entry.client_id },
    ]);
    expect(h.outbox.list()).toHaveLength(1);
    s.receive({ type: 'ack', client_id: entry.client_id, message: msg(7, 1, entry.client_id) });
    expect(h.outbox.list()).toEqual([]);
    h.client.stop();
  });

  it('OKOfflineThroughReload', () => {
    const h = setup();
    h.client.start();
    h.connect({ '7': 0 });
    h.online.value = false;
    h.client.goOffline();
    const entry = h.client.send(7, 'written offline');
    expect(h.sockets.every((s) => s.sentOfType('send').length === 0)).toBe(true);
    h.client.stop();

    // A reload: a new client on the same storage finds the message and sends
    // it exactly once when the connection is back.
    const after = setup();
    after.online.value = true;
    after.client.start();
    const s = after.connect({ '7': 0 });
    s.receive({ type: 'ready', user: alice, rooms: { '7': 0 } });
    expect(s.sentOfType('send')).toEqual([
      { type: 'send', room_id: 7, body: 'written offline', client_id: entry.client_id },
    ]);
    s.receive({ type: 'ack', client_id: entry.client_id, message: msg(7, 1, entry.client_id) });
    expect(after.outbox.list()).toEqual([]);
    after.client.stop();
  });

  it('OKResendAfterDrop', () => {
    const h = setup();
    h.client.start();
    const s1 = h.connect({ '7': 0 });
    const entry = h.client.send(7, 'maybe lost');
    s1.drop();
    vi.advanceTimersByTime(1_000);
    const s2 = h.connect({ '7': 1 });
    // Same client_id: the server answers with the first message, no duplicate.
    expect(s2.sentOfType('send')).toEqual([
      { type: 'send', room_id: 7, body: 'maybe lost', client_id: entry.client_id },
    ]);
    h.client.stop();
  });

  it('ErrRefused', () => {
    const h = setup();
    h.client.start();
    const s = h.connect({ '7': 0 });
    const entry = h.client.send(7, 'x');
    s.receive({ type: 'error', code: 'forbidden', message: 'not a member', client_id: entry.client_id });
    expect(h.outbox.list()).toEqual([{ ...entry, failed: 'not a member' }]);
    s.drop();
    vi.advanceTimersByTime(1_000);
    const s2 = h.connect({ '7': 0 });
    expect(s2.sentOfType('send')).toEqual([]);
    h.client.stop();
  });

  it('OKReplyResentAfterDrop', () => {
    const h = setup();
    h.client.start();
    const s1 = h.connect({ '7': 0 });
    const entry = h.client.sendReply(7, 3, 'in the thread');
    const frame = { type: 'send', room_id: 7, body: 'in the thread', client_id: entry.client_id, reply_to: 3 };
    expect(s1.sentOfType('send')).toEqual([frame]);
    s1.drop();
    vi.advanceTimersByTime(1_000);
    // The outbox keeps the reply a reply across reconnects.
    expect(h.connect({ '7': 0 }).sentOfType('send')).toEqual([frame]);
    h.client.stop();
  });

  it('ErrRateLimitedIsRetried', () => {
    const h = setup();
    h.client.start();
    const s = h.connect({ '7': 0 });
    const entry = h.client.send(7, 'x');
    s.receive({ type: 'error', code: 'rate_limited', message: 'slow down', client_id: entry.client_id });
    expect(h.outbox.list()).toEqual([entry]);
    h.client.stop();
  });
});
