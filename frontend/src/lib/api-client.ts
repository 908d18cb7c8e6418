import type * as z from 'zod/mini';
import { errorAnswerSchema } from './schemas';

/** An API call that failed, in the contract's error shape. */
export class ApiError extends Error {
  /** The HTTP status, or 0 when the network failed. */
  readonly status: number;
  /** The contract's snake_case error code. */
  readonly code: string;
  /** The field a 422 names, if any. */
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Options of one API call. */
export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  schema?: z.ZodMiniType<T>;
  signal?: AbortSignal;
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
 * schema. Errors always come back as ApiError.
 */
export async function api<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
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
  const err = parsed.success
    ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.field)
    : new ApiError(res.status, 'http_' + res.status, `${path} answered ${res.status}.`);
  // Login's own 401 means bad credentials, not an ended session.
  if (res.status === 401 && !path.startsWith('/api/v1/auth/')) {
    for (const listener of unauthorizedListeners) listener();
  }
  return err;
}
