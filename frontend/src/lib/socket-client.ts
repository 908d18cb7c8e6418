import { backoffDelay } from './backoff';
import { closeReasonRetryAfter, retryDelay } from './retry-after';
import { newClientId } from './client-id';
import type { Outbox, OutboxEntry } from './outbox';
import type { Message } from './schemas';
import { SeqTracker } from './seq-tracker';
import { parseServerEvent, type ServerEvent } from './socket-events';

/** What the connection is doing, for the banner. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'stopped';

/** The part of the browser's WebSocket the client uses (tests fake it). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** How to build the client; everything but url and outbox has a default. */
export interface SocketClientOptions {
  url: string;
  outbox: Outbox;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  isOnline?: () => boolean;
  /** Codes after which a refused message is kept and retried. */
  retryableCodes?: readonly string[];
  /** Called once when the server closes because the session ended. */
  onSessionEnded?: () => void;
}

/** A server event, plus the messages the client decided are new. */
export type ClientEvent = ServerEvent;

const OPEN = 1;

/** The server closed because the session was revoked or expired. */
export const CLOSE_SESSION_ENDED = 4001;
/** The server refused a socket over the user's cap of live sockets. */
export const CLOSE_TOO_MANY_SOCKETS = 4029;
/**
 * The server refused the socket for capacity (its reason ends with
 * "retry_after=<seconds>"), or its send queue overflowed (no hint).
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/**
 * Backoff attempt a refusal for too many sockets jumps to: reconnecting at
 * once would only be refused again while the other sockets stay open.
 */
const TOO_MANY_SOCKETS_ATTEMPT = 5;

/** The server's limit on rooms in one resume point. */
export const MAX_CONNECT_RESUME_ROOMS = 1000;
/**
 * Longest resume point put in the URL. The server and nginx both refuse
 * request headers over 8 KiB, and a refused upgrade would be retried with
 * the same URL forever; this leaves 2 KiB for the rest of the request.
 */
export const MAX_CONNECT_RESUME_CHARS = 6144;

/**
 * SocketClient keeps one WebSocket to /ws alive: it reconnects with jittered
 * exponential backoff, resumes each followed room from the last contiguous
 * seq it saw, fills gaps, drops duplicates, and owns the outbox so every
 * written message is sent until the server acknowledges it.
 */
export class SocketClient {
  private readonly opts: Required<Omit<SocketClientOptions, 'retryableCodes' | 'onSessionEnded'>> & {
    retryableCodes: readonly string[];
    onSessionEnded?: () => void;
  };
  private socket: SocketLike | undefined;
  private state: ConnectionState = 'stopped';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private readonly seqs = new SeqTracker();
  private readonly sentThisConnection = new Set<string>();
  private readonly eventListeners = new Set<(e: ClientEvent) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();

  constructor(options: SocketClientOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url),
      random: Math.random,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
      retryableCodes: ['rate_limited', 'unavailable', 'internal'],
      ...options,
    };
  }

  /** Opens the connection; safe to call again. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  /** Closes the connection for good and cancels any pending reconnect. */
  stop(): void {
    this.setState('stopped');
    this.clearTimer();
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    if (socket) {
      detach(socket);
      socket.close(1000, 'bye');
    }
  }

  /** Tells the client the browser went offline: no attempts until online. */
  goOffline(): void {
    if (this.state === 'stopped') return;
    this.clearTimer();
    this.dropSocket();
    this.setState('offline');
  }

  /** Reconnects at once (the browser is back online or the tab is visible). */
  goOnline(): void {
    if (this.state === 'stopped' || this.state === 'open' || this.state === 'connecting') return;
    this.clearTimer();
    this.attempt = 0;
    this.connect();
  }

  /** The current connection state. */
  getState(): ConnectionState {
    return this.state;
  }

  /** Subscribes to the connection state. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Subscribes to server events (duplicates and stale replays removed). */
  onEvent(listener: (e: ClientEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Records that the app holds a room's history up to seq, so later
   * messages are checked against it and a reconnect resumes from there.
   */
  noteSeq(roomId: number, seq: number): void {
    this.seqs.note(roomId, seq);
  }

  /** The last seq of a room seen without a gap, if the room is followed. */
  lastSeq(roomId: number): number | undefined {
    return this.seqs.last(roomId);
  }

  /** Queues a message in the outbox and sends it if connected. */
  send(roomId: number, body: string, clientId: string = newClientId()): OutboxEntry {
    const entry: OutboxEntry = {
      client_id: clientId,
      room_id: roomId,
      body,
      created_at: new Date().toISOString(),
    };
    this.opts.outbox.put(entry);
    this.trySend(entry);
    return entry;
  }

  /** Queues a reply to message replyTo of a room, like send. */
  sendReply(roomId: number, replyTo: number, body: string, clientId: string = newClientId()): OutboxEntry {
    const entry: OutboxEntry = {
      client_id: clientId,
      room_id: roomId,
      body,
      created_at: new Date().toISOString(),
      reply_to: replyTo,
    };
    this.opts.outbox.put(entry);
    this.trySend(entry);
    return entry;
  }

  /** Sends a failed outbox entry again. */
  retry(clientId: string): void {
    const entry = this.opts.outbox.list().find((e) => e.client_id === clientId);
    if (!entry) return;
    const fresh: OutboxEntry = { ...entry };
    delete fresh.failed;
    this.opts.outbox.put(fresh);
    this.sentThisConnection.delete(clientId);
    this.trySend(fresh);
  }

  /** Tells the room someone is typing (dropped while disconnected). */
  typing(roomId: number): void {
    this.write({ type: 'typing', room_id: roomId });
  }

  /** Moves the read marker; returns false when not connected. */
  read(roomId: number, seq: number): boolean {
    return this.write({ type: 'read', room_id: roomId, seq });
  }

  private connect(): void {
    this.ready = false;
    this.sentThisConnection.clear();
    this.setState(this.attempt === 0 && this.state !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.connectUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.handleFrame(ev.data);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.ready = false;
      if (ev.code === CLOSE_SESSION_ENDED) {
        // The token is dead: reconnecting with it could never succeed.
        this.stop();
        this.opts.onSessionEnded?.();
        return;
      }
      if (ev.code === CLOSE_TOO_MANY_SOCKETS) this.attempt = Math.max(this.attempt, TOO_MANY_SOCKETS_ATTEMPT);
      // A server at capacity names its wait; honour it, plus jitter.
      this.scheduleReconnect(closeReasonRetryAfter(ev.reason ?? ''));
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
  }

  /** The configured url naming what is held, so replays precede live. */
  private connectUrl(): string {
    const point = this.seqs.connect(MAX_CONNECT_RESUME_ROOMS, MAX_CONNECT_RESUME_CHARS);
    return point === '' ? this.opts.url : withQuery(this.opts.url, `resume=${point}`);
  }

  /** Reconnects after the backoff, or after hintMs plus full jitter. */
  private scheduleReconnect(hintMs?: number): void {
    if (this.state === 'stopped') return;
    if (!this.opts.isOnline()) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    const delay =
      hintMs === undefined
        ? backoffDelay(this.attempt, this.opts.random(), {
            baseMs: this.opts.baseDelayMs,
            maxMs: this.opts.maxDelayMs,
          })
        : retryDelay(this.attempt, hintMs, this.opts.random(), {
            baseMs: this.opts.baseDelayMs,
            capMs: this.opts.maxDelayMs,
            maxRetries: Infinity,
          });
    this.attempt++;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }

  private handleFrame(data: string): void {
    const event = parseServerEvent(data);
    if (!event) return;
    switch (event.type) {
      case 'ready':
        this.onReady(event.rooms, event.resuming === true);
        this.emit(event);
        return;
      case 'message':
        if (this.accept(event.message)) this.emit(event);
        return;
      case 'ack':
        this.opts.outbox.remove(event.client_id);
        this.accept(event.message);
        this.emit(event);
        return;
      case 'resumed':
        this.seqs.resumed();
        this.emit(event);
        return;
      case 'error':
        if (event.client_id) this.onSendError(event.client_id, event.code, event.message);
        this.emit(event);
        return;
      default:
        this.emit(event);
    }
  }

  private onReady(serverSeqs: Record<string, number>, connectPointTaken: boolean): void {
    this.ready = true;
    this.attempt = 0;
    this.setState('open');
    const resume = this.seqs.onReady(serverSeqs, connectPointTaken);
    if (Object.keys(resume).length > 0) this.write({ type: 'resume', rooms: resume });
    for (const entry of this.opts.outbox.list()) this.trySend(entry);
  }

  /** Returns whether the message is new; asks for a resume on a gap. */
  private accept(message: Message): boolean {
    const verdict = this.seqs.accept(message.room_id, message.seq);
    if (verdict.kind === 'gap' && verdict.askResume) {
      this.write({ type: 'resume', rooms: { [String(message.room_id)]: verdict.from } });
    }
    return verdict.kind !== 'duplicate';
  }

  private onSendError(clientId: string, code: string, message: string): void {
    const entry = this.opts.outbox.list().find((e) => e.client_id === clientId);
    if (!entry) return;
    if (this.opts.retryableCodes.includes(code)) {
      // Sent again on the next connection; the server drops duplicates.
      this.sentThisConnection.delete(clientId);
      return;
    }
    this.opts.outbox.put({ ...entry, failed: message || code });
  }

  private trySend(entry: OutboxEntry): void {
    if (entry.failed || !this.ready) return;
    if (this.sentThisConnection.has(entry.client_id)) return;
    const sent = this.write({
      type: 'send',
      room_id: entry.room_id,
      body: entry.body,
      client_id: entry.client_id,
      ...(entry.reply_to === undefined ? {} : { reply_to: entry.reply_to }),
    });
    if (sent) this.sentThisConnection.add(entry.client_id);
  }

  private write(frame: object): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || !this.ready) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    if (socket) {
      detach(socket);
      socket.close(1000, 'offline');
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private emit(event: ClientEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }
}

function withQuery(url: string, param: string): string {
  if (!url.includes('?')) return `${url}?${param}`;
  return url.endsWith('?') || url.endsWith('&') ? `${url}${param}` : `${url}&${param}`;
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onclose = null;
  socket.onerror = null;
  socket.onmessage = null;
}
