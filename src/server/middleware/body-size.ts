import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodySizeOptions {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Refuses bodies over `maxSize`. Hono's own bodyLimit reads `c.req.raw.body`, which makes
 * @hono/node-server build a whole Web Request with a ReadableStream for every request, about a
 * tenth of link creation's CPU. A body of declared length is judged by its Content-Length alone
 * (Node's parser holds the body to it), and the route then reads it through node-server's direct
 * path; only a chunked body, whose size is known as it arrives, streams through Hono's limit.
 */
export function bodySizeLimit(options: BodySizeOptions): MiddlewareHandler {
  const streamingLimit = bodyLimit(options);
  return async function bodySizeLimit(c, next) {
    const length = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (length !== undefined && !chunked) {
      if (Number(length) > options.maxSize) return options.onError(c);
      return next();
    }
    // On Node's HTTP server a request with neither header has no body; elsewhere (app.request) a stream may come without one.
    if (!chunked && isNodeRequest(c)) return next();
    return streamingLimit(c, next);
  };
}

function isNodeRequest(c: Context): boolean {
  return typeof c.env === 'object' && c.env !== null && 'incoming' in c.env;
}
