import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../protocol/index.js';

/** An error the client caused or may act on; becomes the protocol's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The one place that turns anything thrown into `{error:{code,message}}`; unexpected errors are logged, never echoed. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 401 ? 'unauthorized' : status === 413 ? 'payload_too_large' : 'bad_request';
    return c.json(errorBody(code, error.message || 'The request was refused.'), status);
  }
  console.error(`[keyway] unexpected error on ${c.req.method} ${redactPath(c.req.path)}:`, error);
  return c.json(errorBody('internal_error', 'Something went wrong on our side.'), 500);
}

/** The status of an HTML page that explains an error a person can act on. */
export function pageStatus(error: ApiError): 400 | 404 | 409 | 410 {
  return ([400, 404, 409, 410] as const).find((candidate) => candidate === error.status) ?? 400;
}

/** Paths can carry link and pairing tokens; logs never show them. */
export function redactPath(path: string): string {
  return path.replace(/^\/(connect|pair)\/(?!review$|confirm$|pair\.css$)[^/]+/, '/$1/…');
}
