import { Hono, type Context } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { accessTokenAuth } from '../middleware/access-token.js';
import { OAUTH2_PATHS, openIdConfiguration } from '../oauth2/discovery.js';
import { oauthErrorResponse } from '../oauth2/errors.js';
import { introspectionEndpoint } from '../oauth2/introspect.js';
import { revocationEndpoint } from '../oauth2/revoke.js';
import { tokenEndpoint } from '../oauth2/token.js';
import { userInfo } from '../oauth2/userinfo.js';

/** Discovery changes only with a deployment. The JWKS changes with a rotation; verifiers also refetch it on an unknown kid. */
const DISCOVERY_CACHE = { 'Cache-Control': 'public, max-age=300' };
const JWKS_CACHE = { 'Cache-Control': 'public, max-age=60' };

/** Token, introspection and revocation answer every failure in the OAuth shape (see oauth2/errors.ts). */
function oauthEndpoint(endpoint: (c: Context, services: Services) => Promise<Response>, services: Services) {
  return async (c: Context<AppEnv>) => {
    try {
      return await endpoint(c, services);
    } catch (error) {
      return oauthErrorResponse(error, c);
    }
  };
}

/** Keyway as an OAuth 2.0 authorization server and OpenID provider for the host app's own users (the token side). */
export function oauth2Routes(services: Services): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get(OAUTH2_PATHS.discovery, (c) => c.json(openIdConfiguration(services.publicUrl), 200, DISCOVERY_CACHE));
  routes.get(OAUTH2_PATHS.jwks, async (c) => c.json(await services.tokens.keys.jwks(), 200, JWKS_CACHE));
  routes.post(OAUTH2_PATHS.token, oauthEndpoint(tokenEndpoint, services));
  routes.post(OAUTH2_PATHS.introspection, oauthEndpoint(introspectionEndpoint, services));
  routes.post(OAUTH2_PATHS.revocation, oauthEndpoint(revocationEndpoint, services));
  // OIDC Core §5.3.1: userinfo answers GET and POST alike.
  routes.on(['GET', 'POST'], OAUTH2_PATHS.userinfo, accessTokenAuth(services, { scope: 'openid' }), (c) => c.json(userInfo(c.get('accessToken'))));
  return routes;
}
