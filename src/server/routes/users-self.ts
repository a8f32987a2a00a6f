import { Hono } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { seedUserData } from '../identity/users.js';
import { accessTokenAuth } from '../middleware/access-token.js';
import { emailConfirmedBy } from '../oauth2/grant-common.js';

/** `GET /users/self` (seed 001): the signed-in user, as the token answer's `data` shows them. */
export function usersSelfRoutes(services: Services): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.use('/users/self', accessTokenAuth(services));
  routes.get('/users/self', (c) => {
    const { user, family } = c.get('accessToken');
    return c.json({ code: 'OK', data: seedUserData(user, { emailConfirmed: emailConfirmedBy(family.auth_method) }) });
  });
  return routes;
}
