import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, MessageRef } from '../protocol/index.js';
import { describeDatabaseError, isDatabaseUnavailable, throttledLog } from './store/unavailable.js';

/** An error the client caused or may act on; becomes the protocol's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Sent as `Retry-After` (seconds): a limit or an outage the client should wait out. */
    readonly retryAfterSeconds?: number,
    /** The key of `message`, for errors the wizard shows its user. */
    readonly i18n?: MessageRef,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown, i18n?: MessageRef): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }), ...(i18n ? { i18n } : {}) } };
}

/** The one place that turns anything thrown into `{error:{code,message}}`; unexpected errors are logged, never echoed. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    return c.json(errorBody(error.code, error.message, error.details, error.i18n), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 401 ? 'unauthorized' : status === 413 ? 'payload_too_large' : 'bad_request';
    return c.json(errorBody(code, error.message || 'The request was refused.'), status);
  }
  if (isDatabaseUnavailable(error)) {
    reportOutage(`[keyway] database unavailable on ${c.req.method} ${redactPath(c.req.path)}: ${describeDatabaseError(error)}`);
    return handleError(databaseUnavailable(), c);
  }
  console.error(`[keyway] unexpected error on ${c.req.method} ${redactPath(c.req.path)}:`, error);
  return c.json(errorBody('internal_error', 'Something went wrong on our side.'), 500);
}

/** A restart or a failover takes seconds; clients (and load balancers) retry after this long. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The outage, not the request, is at fault: 503, never 500. */
export function databaseUnavailable(): ApiError {
  return new ApiError(503, 'database_unavailable', 'The database is unavailable; try again in a few seconds.', undefined, DATABASE_RETRY_AFTER_SECONDS);
}

// Every request fails the same way during an outage; the log gets one line every few seconds, not one each.
const reportOutage = throttledLog((line) => console.warn(line));

/** The status of an HTML page that explains an error a person can act on. */
export function pageStatus(error: ApiError): 400 | 404 | 409 | 410 {
  return ([400, 404, 409, 410] as const).find((candidate) => candidate === error.status) ?? 400;
}

/** Paths can carry link and pairing tokens; logs never show them. */
export function redactPath(path: string): string {
  return path.replace(/^\/(connect|pair)\/(?!review$|confirm$|pair\.css$)[^/]+/, '/$1/…');
}
