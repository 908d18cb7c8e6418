import { describe, expect, it } from 'vitest';
import {
  closeReasonRetryAfter,
  DEFAULT_RETRY_POLICY,
  MAX_HINT_MS,
  parseRetryAfter,
  retryDelay,
} from './retry-after';

describe('parseRetryAfter', () => {
  it('OK', () => {
    expect(parseRetryAfter('1')).toBe(1_000);
    expect(parseRetryAfter(' 2 ')).toBe(2_000);
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999')).toBe(MAX_HINT_MS);
  });
  it('ErrUnreadable', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('closeReasonRetryAfter', () => {
  it('OK', () => {
    expect(closeReasonRetryAfter('server busy, retry_after=2')).toBe(2_000);
    expect(closeReasonRetryAfter('could not load rooms, retry_after=10')).toBe(10_000);
  });
  it('ErrNoHint', () => {
    expect(closeReasonRetryAfter('send queue full, reconnect and resume')).toBeUndefined();
    expect(closeReasonRetryAfter('')).toBeUndefined();
  });
});

describe('retryDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 500, capMs: 8_000 };
  it('OKHintThenFullJitter', () => {
    expect(retryDelay(0, 1_000, 0, policy)).toBe(1_000);
    expect(retryDelay(0, 1_000, 0.999, policy)).toBe(1_499);
    expect(retryDelay(3, 1_000, 0.5, policy)).toBe(1_000 + 2_000);
  });
  it('OKCapped', () => {
    expect(retryDelay(30, 0, 0.999, policy)).toBeLessThan(8_000);
    expect(retryDelay(100, 0, 1, policy)).toBe(8_000);
    expect(retryDelay(0, 10 * MAX_HINT_MS, 0, policy)).toBe(MAX_HINT_MS);
  });
});
