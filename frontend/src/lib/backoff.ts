/** Bounds of the reconnect delay. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before reconnect attempt n (0-based): exponential, capped, with
 * "equal jitter" (half fixed, half random) so thousands of tabs that lost
 * the same server do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, random: number, opts: BackoffOptions): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
