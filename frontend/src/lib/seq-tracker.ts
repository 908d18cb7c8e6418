/** What to do with a message, given the seqs already seen in its room. */
export type SeqVerdict =
  | { kind: 'new' }
  | { kind: 'duplicate' }
  /** New, but earlier ones are missing: resume the room from `from`. */
  | { kind: 'gap'; from: number; askResume: boolean };

/**
 * SeqTracker keeps, per followed room, the last seq seen without a gap and
 * the seqs that arrived early, so that gaps are spotted once and replays
 * are told apart from new messages.
 */
export class SeqTracker {
  private readonly contiguous = new Map<number, number>();
  private readonly ahead = new Map<number, Set<number>>();
  private readonly resuming = new Set<number>();
  /** Rooms named in the connect URL, replayed before anything live. */
  private readonly resumingAtConnect = new Set<number>();

  /** The last seq of a room seen without a gap, if the room is followed. */
  last(roomId: number): number | undefined {
    return this.contiguous.get(roomId);
  }

  /** Records that everything up to seq is held (a history page). */
  note(roomId: number, seq: number): void {
    const known = this.contiguous.get(roomId);
    if (known === undefined || seq > known) {
      this.contiguous.set(roomId, seq);
      this.advance(roomId);
    }
  }

  /**
   * Starts a new connection and returns its resume point, "id:seq,id:seq",
   * naming the first followed rooms that fit in maxRooms and maxChars ("" for
   * none). Until the connection's first `resumed` those rooms count as
   * resuming, so a gap in them does not ask for a second replay.
   */
  connect(maxRooms: number, maxChars: number): string {
    this.resuming.clear();
    this.resumingAtConnect.clear();
    const parts: string[] = [];
    let chars = 0;
    for (const [roomId, seq] of this.contiguous) {
      if (parts.length >= maxRooms) break;
      // The server refuses the whole upgrade (422) for one bad pair, and a
      // refused upgrade would be retried with the same URL forever.
      if (!isWhole(roomId) || roomId === 0 || !isWhole(seq)) continue;
      const part = `${roomId}:${seq}`;
      const cost = part.length + (parts.length > 0 ? 1 : 0);
      if (chars + cost > maxChars) break;
      chars += cost;
      parts.push(part);
      this.resumingAtConnect.add(roomId);
    }
    return parts.join(',');
  }

  /**
   * Compares a new connection's view of each room with what is held and
   * returns the rooms to resume by frame, keyed by id, from the seq held:
   * those that moved on and were not named at connect. Rooms not followed
   * yet are followed from the server's seq on. A server that did not take
   * the connect point (an older replica during a rolling deploy) gets every
   * room by frame instead.
   */
  onReady(serverSeqs: Record<string, number>, connectPointTaken: boolean): Record<string, number> {
    if (!connectPointTaken) this.resumingAtConnect.clear();
    const resume: Record<string, number> = {};
    for (const [id, last] of Object.entries(serverSeqs)) {
      const roomId = Number(id);
      const mine = this.contiguous.get(roomId);
      if (mine === undefined) {
        this.contiguous.set(roomId, last);
      } else if (last > mine && !this.resumingAtConnect.has(roomId)) {
        resume[id] = mine;
        this.resuming.add(roomId);
      }
    }
    return resume;
  }

  /**
   * The server finished replaying. It replays the connect point before it
   * reads any frame, so the first `resumed` after naming rooms is theirs.
   */
  resumed(): void {
    if (this.resumingAtConnect.size > 0) this.resumingAtConnect.clear();
    else this.resuming.clear();
  }

  /** Classifies one message of a room and records it. */
  accept(roomId: number, seq: number): SeqVerdict {
    const known = this.contiguous.get(roomId);
    if (known === undefined) {
      this.contiguous.set(roomId, seq);
      return { kind: 'new' };
    }
    if (seq <= known) return { kind: 'duplicate' };
    const ahead = this.ahead.get(roomId) ?? new Set<number>();
    if (ahead.has(seq)) return { kind: 'duplicate' };
    if (seq === known + 1) {
      this.contiguous.set(roomId, seq);
      this.advance(roomId);
      return { kind: 'new' };
    }
    ahead.add(seq);
    this.ahead.set(roomId, ahead);
    if (this.resumingAtConnect.has(roomId)) return { kind: 'gap', from: known, askResume: false };
    const askResume = !this.resuming.has(roomId);
    this.resuming.add(roomId);
    return { kind: 'gap', from: known, askResume };
  }

  /** Moves the contiguous mark over messages that arrived early. */
  private advance(roomId: number): void {
    const ahead = this.ahead.get(roomId);
    if (!ahead) return;
    let mark = this.contiguous.get(roomId) ?? 0;
    for (const seq of [...ahead]) if (seq <= mark) ahead.delete(seq);
    while (ahead.has(mark + 1)) {
      mark++;
      ahead.delete(mark);
    }
    this.contiguous.set(roomId, mark);
    if (ahead.size === 0) {
      this.ahead.delete(roomId);
      this.resuming.delete(roomId);
    }
  }
}

function isWhole(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
