import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { looksLikeKey, tenantForApiKey } from '../store/tenants.js';

const CHALLENGE = 'Bearer realm="keyway"';

/**
 * Minting user tokens (seed 002) takes the tenant's private token key as `Authorization: Bearer`,
 * and nothing else: not an ordinary API key, not `X-API-KEY`, so a key that leaked from a browser
 * can never mint sign-ins. Wrong keys count against the caller's address like wrong API keys.
 */
export function privateTokenKeyAuth(services: Pick<Services, 'store' | 'limits' | 'clientAddress'>): MiddlewareHandler<AppEnv> {
  return async function privateTokenKeyMiddleware(c, next) {
    const key = /^Bearer (\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!key) {
      c.header('WWW-Authenticate', CHALLENGE);
      throw new ApiError(401, 'missing_private_token_key', 'Send your private token key as "Authorization: Bearer <key>"; X-API-KEY does not work here.');
    }
    const tenantId = await tenantForApiKey(services.store.db, key, 'private_token');
    if (!tenantId) {
      c.header('WWW-Authenticate', `${CHALLENGE}, error="invalid_token"`);
      const refusal = looksLikeKey(key, 'api')
        ? new ApiError(401, 'invalid_private_token_key', 'This is an API key; user tokens need the private token key (keyway keys create --kind private-token).')
        : new ApiError(401, 'invalid_private_token_key', 'The private token key is not valid.');
      throw (await services.limits.count('api_key_failures', services.clientAddress(c))) ?? refusal;
    }
    c.set('tenantId', tenantId);
    await next();
  };
}
