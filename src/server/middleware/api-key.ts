import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import type { Store } from '../store/database.js';
import { tenantForApiKey } from '../store/tenants.js';

/** Server-to-server calls carry `X-API-KEY`; the key decides the tenant. */
export function apiKeyAuth(options: { store: Store }): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const key = c.req.header('x-api-key');
    if (!key) throw new ApiError(401, 'missing_api_key', 'Send your API key in the X-API-KEY header.');
    const tenantId = await tenantForApiKey(options.store.db, key);
    if (!tenantId) throw new ApiError(401, 'invalid_api_key', 'The API key is not valid.');
    c.set('tenantId', tenantId);
    await next();
  };
}
