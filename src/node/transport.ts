import { KeywayError } from './errors.js';

export interface TransportOptions {
  baseUrl: string;
  /** Retries of idempotent calls (GET, PUT, DELETE) answered 429 or 503, or lost on the way. */
  maxRetries: number;
  /** Per attempt. */
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** `Authorization`/`X-API-KEY`: which secret a call carries is the caller's choice, per endpoint. */
  headers: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([429, 503]);
/** A server asking for longer than this is treated as down for now: the caller decides. */
const LONGEST_WAIT_MS = 30_000;

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function backoffMs(attempt: number): number {
  return Math.min(LONGEST_WAIT_MS, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

async function errorFrom(response: Response): Promise<KeywayError> {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.code === 'string') {
      return new KeywayError({ code: body.error.code, message: String(body.error.message ?? body.error.code), status: response.status, details: body.error.details, retryAfter });
    }
  } catch {
    // Not Keyway's JSON error body (a proxy's page, say): described below by its status.
  }
  return new KeywayError({ code: `http_${response.status}`, message: `Keyway answered ${response.status} ${response.statusText}`.trim(), status: response.status, retryAfter });
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** The parsed JSON answer, or undefined for 204. */
  async call<T>(call: CallOptions): Promise<T> {
    const url = new URL(call.path.replace(/^\//, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const retries = IDEMPOTENT.has(call.method) ? this.options.maxRetries : 0;

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.options.fetch(url, {
          method: call.method,
          headers,
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (cause) {
        const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
        if (attempt < retries) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw new KeywayError({ code: timedOut ? 'timeout' : 'network_error', message: timedOut ? `No answer from Keyway within ${this.options.timeoutMs} ms` : 'Keyway could not be reached', status: 0, cause });
      }
      if (response.ok) {
        if (response.status === 204) return undefined as T;
        return (await response.json()) as T;
      }
      const error = await errorFrom(response);
      const waitMs = error.retryAfter === undefined ? backoffMs(attempt) : error.retryAfter * 1000;
      if (attempt < retries && RETRYABLE_STATUS.has(response.status) && waitMs <= LONGEST_WAIT_MS) {
        await sleep(waitMs);
        continue;
      }
      throw error;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
