import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { redactPath } from '../errors.js';
import type { Logger } from '../logger.js';

/** What is logged of a request: never its query string (tokens travel there), headers or body. */
export interface RequestRecord {
  /** Set where the logger tracks request ids; the same value as the response's `X-Request-Id`. */
  requestId?: string;
  method: string;
  /** The pattern of the route that answered (`/api/v1/users/:id`); undefined when none did. */
  route: string | undefined;
  /** The path with link and pairing tokens redacted. */
  path: string;
  status: number;
  durationMs: number;
}

/** An incoming `X-Request-Id` (from a proxy or the client) is kept only when it cannot smuggle anything into a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function acceptedRequestId(header: string | undefined): string | undefined {
  return header !== undefined && SAFE_REQUEST_ID.test(header) ? header : undefined;
}

/**
 * The endpoint's pattern even when a middleware answered first (a 401 from the token check): the last matched
 * route registered for a method. Middleware (`use`, method `ALL`) and `*` patterns match unknown paths too.
 */
function routePatternOf(c: Context): string | undefined {
  return matchedRoutes(c).findLast((route) => route.method !== 'ALL' && !route.path.endsWith('*'))?.path;
}

/** One record per request, handed to the logger once the response is ready. */
export function requestLog(logger: Pick<Logger, 'request' | 'tracksRequestIds'>): MiddlewareHandler {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    const requestId = logger.tracksRequestIds ? (acceptedRequestId(c.req.header('x-request-id')) ?? randomUUID()) : undefined;
    await next();
    // In place on the finished response, as the baseline headers are set.
    if (requestId) c.res.headers.set('X-Request-Id', requestId);
    logger.request({
      ...(requestId ? { requestId } : {}),
      method: c.req.method,
      route: routePatternOf(c),
      path: redactPath(c.req.path),
      status: c.res.status,
      durationMs: performance.now() - started,
    });
  };
}

/** The human format's line: `GET /healthz 200 0.4ms`. */
export function humanRequestLine(record: RequestRecord): string {
  return `${record.method} ${record.path} ${record.status} ${record.durationMs.toFixed(1)}ms`;
}

/**
 * Gathers the lines logged during one turn of the event loop and hands them to `log` as one
 * string. Writing to a pipe, a file or a terminal is synchronous in Node: under load one write
 * per request cost a sixth of the CPU, one write per turn costs next to nothing. The format is
 * unchanged (one line each, in order); a line waits at most until the loop's next check phase.
 */
export function batchedLog(log: (line: string) => void): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    log(lines.join('\n'));
  };
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  };
}
