/** How a refused request (503 unavailable, 429 rate_limited) is retried. */
export interface RetryPolicy {
  /** Jitter ceiling of the first retry; it doubles with each attempt. */
  baseMs: number;
  /** Largest jitter ceiling. */
  capMs: number;
  /** Retries after the first refusal; the last refusal is then thrown. */
  maxRetries: number;
}

/** Retry policy of API calls: four retries, jitter up to 8 s on top of the hint. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 500, capMs: 8_000, maxRetries: 4 };

/** Longest hint honoured, so a bad header cannot park the app for hours. */
export const MAX_HINT_MS = 5 * 60_000;

/** A 503 without Retry-After waits this long before its jitter. */
export const DEFAULT_HINT_MS = 1_000;

/**
 * The wait a Retry-After header asks for, in ms: delta-seconds or an HTTP
 * date; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_HINT_MS);
  // An HTTP date names its day and zone; a bare "-1" is no date.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), MAX_HINT_MS);
}

/**
 * The wait a close reason asks for, in ms: the server ends the reason of a
 * 1013 refused for capacity with "retry_after=<seconds>".
 */
export function closeReasonRetryAfter(reason: string): number | undefined {
  const m = /retry_after=(\d+)\s*$/.exec(reason);
  return m?.[1] === undefined ? undefined : Math.min(Number(m[1]) * 1000, MAX_HINT_MS);
}

/**
 * The delay before retry attempt (0-based): the server's hint, then "full
 * jitter" — a uniformly random extra up to a ceiling that doubles with
 * each attempt and is capped — so that thousands of clients refused in the
 * same second do not all come back in the same second.
 */
export function retryDelay(attempt: number, hintMs: number, random: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.min(Math.max(hintMs, 0), MAX_HINT_MS) + Math.floor(random * ceiling);
}
