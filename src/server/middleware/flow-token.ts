import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ApiError } from '../errors.js';

/** The wizard sends its flow token as a Bearer token: no cookies, so it works in third-party iframes. */
export function flowTokenAuth(): MiddlewareHandler<AppEnv> {
  return async function flowTokenMiddleware(c, next) {
    const match = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) throw new ApiError(401, 'missing_token', 'Send the flow token as "Authorization: Bearer <token>".');
    c.set('flowToken', match[1]);
    await next();
  };
}
