import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { api, ApiError } from './api-client';

function answer(status: number, headers: Record<string, string> = {}, body?: object): Response {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Response(status === 204 ? null : text, {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

const busy = (retryAfter = '1') =>
  answer(503, { 'Retry-After': retryAfter }, { error: { code: 'unavailable', message: 'Busy.' } });

let fetchMock: Mock<typeof fetch>;

beforeEach(() => {
  vi.useFakeTimers();
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const policy = { baseMs: 500, capMs: 8_000, maxRetries: 2 };

describe('api retries', () => {
  it('OKRetriesAfterRetryAfter', async () => {
    fetchMock.mockResolvedValueOnce(busy('2')).mockResolvedValueOnce(answer(204));
    const done = api('/api/v1/rooms', { random: () => 0.5, retryPolicy: policy });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // 2 s from Retry-After, plus 0.5 × 500 ms of jitter.
    await vi.advanceTimersByTimeAsync(2_249);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await expect(done).resolves.toBeUndefined();
  });

  it('ErrGivesUpAfterMaxRetries', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(busy()));
    const done = api('/api/v1/rooms', { random: () => 0, retryPolicy: policy });
    const caught = done.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(10_000);
    const err = await caught;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).retryAfterMs).toBe(1_000);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('OKSignInRetriesRateLimited', async () => {
    fetchMock
      .mockResolvedValueOnce(
        answer(429, { 'Retry-After': '1' }, { error: { code: 'rate_limited', message: 'Slow down.' } }),
      )
      .mockResolvedValueOnce(answer(204));
    const done = api('/api/v1/auth/login', { method: 'POST', body: {}, retry: true, random: () => 0, retryPolicy: policy });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await expect(done).resolves.toBeUndefined();
  });

  it('ErrWriteNotRetried', async () => {
    fetchMock.mockResolvedValue(busy());
    await expect(api('/api/v1/rooms', { method: 'POST', body: {} })).rejects.toMatchObject({ status: 503 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('ErrOtherErrorsNotRetried', async () => {
    fetchMock.mockResolvedValue(answer(500, {}, { error: { code: 'internal', message: 'Internal error.' } }));
    await expect(api('/api/v1/rooms')).rejects.toMatchObject({ status: 500 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('ErrAbortedWhileWaiting', async () => {
    fetchMock.mockResolvedValue(busy('5'));
    const ctl = new AbortController();
    const caught = api('/api/v1/rooms', { signal: ctl.signal, retryPolicy: policy }).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(100);
    ctl.abort();
    const err = await caught;
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
