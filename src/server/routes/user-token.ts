import { Hono } from 'hono';
import { UserTokenRequest, UserTokenSettingsRequest, type UserTokenAnswer, type UserTokenSettings } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { userForUid } from '../identity/uid-binding.js';
import { mintUserToken, setUserTokenTtl, userTokenTtl } from '../identity/user-tokens.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { privateTokenKeyAuth } from '../middleware/private-token-key.js';
import { parseJsonBody } from '../validate.js';

/**
 * `POST /api/v1/user/token` (seed 002): the host's backend, with its private token key, gets a
 * short, single-use token that signs the user in at `/login/?token=…`. The lifetime is a tenant
 * setting, `GET|PUT /api/v1/user/token/settings`, behind the ordinary API key.
 */
export function userTokenRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;

  app.post('/user/token', privateTokenKeyAuth(services), async (c) => {
    const request = await parseJsonBody(c, UserTokenRequest);
    const tenantId = c.get('tenantId');
    const now = services.clock();
    const user = await userForUid({ db, limits: services.limits }, tenantId, request, { address: services.clientAddress(c), now });
    if (user.status !== 'ACTIVE') throw new ApiError(409, 'user_inactive', 'The user is INACTIVE and cannot sign in; set the status to ACTIVE first.');
    const ttl = await userTokenTtl(db, tenantId);
    const token = await mintUserToken(db, services.tokens, { tenantId, userId: user.id, ttlSeconds: ttl.seconds, now });
    const body: UserTokenAnswer = { status: 'success', userID: user.id, token };
    return c.json(body);
  });

  const settings = async (tenantId: string): Promise<UserTokenSettings> => {
    const ttl = await userTokenTtl(db, tenantId);
    return { ttl_seconds: ttl.seconds, default: ttl.isDefault };
  };
  app.use('/user/token/settings', apiKeyAuth(services));
  app.get('/user/token/settings', async (c) => c.json(await settings(c.get('tenantId'))));
  app.put('/user/token/settings', async (c) => {
    const { ttl_seconds } = await parseJsonBody(c, UserTokenSettingsRequest);
    await setUserTokenTtl(db, c.get('tenantId'), ttl_seconds);
    return c.json(await settings(c.get('tenantId')));
  });

  return app;
}
