import type * as z from 'zod/mini';
import {
  DEFAULT_HINT_MS,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from './retry-after';
import { errorAnswerSchema } from './schemas';

/** An API call that failed, in the contract's error shape. */
export class ApiError extends Error {
  /** The HTTP status, or 0 when the network failed. */
  readonly status: number;
  /** The contract's snake_case error code. */
  readonly code: string;
  /** The field a 422 names, if any. */
  readonly field: string | undefined;
  /** The wait a 429 or 503 asked for (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, field?: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Whether an answer says "come back later": at capacity or rate limited. */
export function isRetryLater(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 503 || err.status === 429);
}

/** Options of one API call. */
export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  schema?: z.ZodMiniType<T>;
  signal?: AbortSignal;
  /**
   * Whether a 503 or 429 is retried after its Retry-After plus jitter:
   * by default GETs only. Sign-in and sign-up opt in (the server refuses
   * them before writing anything); other writes could repeat their effect.
   */
  retry?: boolean;
  /** How refusals are retried; DEFAULT_RETRY_POLICY unless given. */
  retryPolicy?: RetryPolicy;
  /** Randomness of the jitter (tests fix it). */
  random?: () => number;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Calls listener whenever the API answers 401 (the session ended). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * Calls the JSON API with the session cookie and checks the answer against
 * schema. A "come back later" answer (503, 429) is retried after the wait
 * it names plus jitter, when options.retry allows. Errors always come back
 * as ApiError.
 */
export async function api<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const retry = options.retry ?? (options.method ?? 'GET') === 'GET';
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await apiOnce(path, options);
    } catch (err) {
      if (!retry || attempt >= policy.maxRetries || !isRetryLater(err)) throw err;
      const hint = err.retryAfterMs ?? DEFAULT_HINT_MS;
      await sleep(retryDelay(attempt, hint, random(), policy), options.signal);
    }
  }
}

/** Waits ms, or rejects as fetch does when signal aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new DOMException('The operation was aborted.', 'AbortError');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function apiOnce<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const { method = 'GET', body, schema, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      signal: signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  if (!res.ok) throw await toApiError(res, path);
  if (res.status === 204 || !schema) return undefined as T;
  const json: unknown = await res.json().catch(() => undefined);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, 'bad_answer', `Unexpected answer from ${path}.`);
  }
  return parsed.data;
}

async function toApiError(res: Response, path: string): Promise<ApiError> {
  const json: unknown = await res.json().catch(() => undefined);
  const parsed = errorAnswerSchema.safeParse(json);
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  const err = parsed.success
    ? new ApiError(
        res.status,
        parsed.data.error.code,
        parsed.data.error.message,
        parsed.data.error.field,
        retryAfter,
      )
    : new ApiError(res.status, 'http_' + res.status, `${path} answered ${res.status}.`, undefined, retryAfter);
  // Login's own 401 means bad credentials, not an ended session.
  if (res.status === 401 && !path.startsWith('/api/v1/auth/')) {
    for (const listener of unauthorizedListeners) listener();
  }
  return err;
}
