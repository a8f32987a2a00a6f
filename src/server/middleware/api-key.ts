import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { looksLikeKey, tenantForApiKey } from '../store/tenants.js';

/**
 * Server-to-server calls carry `X-API-KEY`; the key decides the tenant. Wrong keys count against
 * the caller's address: keys are 256-bit, so only failures are counted and a right key is never held up.
 */
export function apiKeyAuth(services: Pick<Services, 'store' | 'limits' | 'clientAddress'>): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const key = c.req.header('x-api-key');
    if (!key) throw new ApiError(401, 'missing_api_key', 'Send your API key in the X-API-KEY header.');
    const tenantId = await tenantForApiKey(services.store.db, key);
    if (!tenantId) {
      // A private token key mints user tokens and nothing else, so it never opens the rest of the API.
      const refusal = looksLikeKey(key, 'private_token')
        ? new ApiError(401, 'invalid_api_key', 'This is a private token key: it only mints user tokens, as Authorization: Bearer at POST /api/v1/user/token.')
        : new ApiError(401, 'invalid_api_key', 'The API key is not valid.');
      throw (await services.limits.count('api_key_failures', services.clientAddress(c))) ?? refusal;
    }
    c.set('tenantId', tenantId);
    await next();
  };
}
