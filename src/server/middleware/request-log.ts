import type { MiddlewareHandler } from 'hono';
import { redactPath } from '../errors.js';

/** One line per request; paths are redacted and no header or body is logged. */
export function requestLog(options: { log: (line: string) => void }): MiddlewareHandler {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    options.log(`${c.req.method} ${redactPath(c.req.path)} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
  };
}
