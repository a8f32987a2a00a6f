import { Hono } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { seedUserData } from '../identity/users.js';
import { accessTokenAuth } from '../middleware/access-token.js';
import { emailConfirmedBy } from '../oauth2/grant-common.js';
import { MFA_VALIDATE_PATH, usersSelfMfaRoutes } from './users-self-mfa.js';

/**
 * `GET /users/self` (seed 001): the signed-in user, as the token answer's `data` shows them; and
 * everything under it. A session that still owes its second factor gets 401 `mfa_required` on all
 * of it but the validation.
 */
export function usersSelfRoutes(services: Services): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const signedIn = accessTokenAuth(services);
  const signedInBeforeMfa = accessTokenAuth(services, { mfaPending: 'allowed' });
  // Hono's `/users/self/*` takes in `/users/self` itself.
  routes.use('/users/self/*', (c, next) => (c.req.path === MFA_VALIDATE_PATH ? signedInBeforeMfa : signedIn)(c, next));
  routes.route('/', usersSelfMfaRoutes(services));
  routes.get('/users/self', (c) => {
    const { user, family } = c.get('accessToken');
    return c.json({ code: 'OK', data: seedUserData(user, { emailConfirmed: emailConfirmedBy(family.auth_method) }) });
  });
  return routes;
}
