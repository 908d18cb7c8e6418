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
   * Compares a new connection's view of each room with what is held and
   * returns the rooms to resume, keyed by id, from the seq held. Rooms not
   * followed yet are followed from the server's seq on.
   */
  onReady(serverSeqs: Record<string, number>): Record<string, number> {
    this.resuming.clear();
    const resume: Record<string, number> = {};
    for (const [id, last] of Object.entries(serverSeqs)) {
      const roomId = Number(id);
      const mine = this.contiguous.get(roomId);
      if (mine === undefined) {
        this.contiguous.set(roomId, last);
      } else if (last > mine) {
        resume[id] = mine;
        this.resuming.add(roomId);
      }
    }
    return resume;
  }

  /** The server finished replaying. */
  resumed(): void {
    this.resuming.clear();
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
