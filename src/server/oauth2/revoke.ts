import type { Context } from 'hono';
import type { Services } from '../context.js';
import { authenticateOAuthClient, type AuthenticatedClient } from './client-auth.js';
import { NO_STORE } from './errors.js';
import { readOAuthParameters, required } from './parameters.js';
import { findRefreshToken, revokeSession } from './sessions.js';
import { InvalidAccessToken } from './tokens.js';

/**
 * The session a token belongs to, if it is this client's. A refresh token (any of its family, even
 * a rotated one) and an access token (by its `sid`, expired or not) both lead to their session.
 */
async function sessionOf(services: Services, client: AuthenticatedClient, token: string): Promise<string | undefined> {
  if (token.split('.').length === 3) {
    try {
      const claims = await services.tokens.verifyAccessToken(token, { allowExpired: true });
      return claims.aud === client.id && claims.client_id === client.id ? claims.sid : undefined;
    } catch (error) {
      if (error instanceof InvalidAccessToken) return undefined;
      throw error;
    }
  }
  const found = await findRefreshToken(services.store.db, token);
  return found && found.family.client_id === client.id ? found.family.id : undefined;
}

/**
 * `POST /oauth2/revoke` (RFC 7009): ends the token's whole session, so its refresh tokens stop
 * working and its access tokens are refused by Keyway at once. Unknown tokens, and other clients'
 * tokens, get the same 200 and change nothing: the answer never tells whether a token exists.
 */
export async function revocationEndpoint(c: Context, services: Services): Promise<Response> {
  const parameters = await readOAuthParameters(c);
  const client = await authenticateOAuthClient(c, services, parameters, { allowPublic: true });
  const token = required(parameters['token'], 'token');
  const sessionId = await sessionOf(services, client, token);
  if (sessionId) {
    await services.store.db.transaction().execute((trx) => revokeSession(trx, sessionId, 'revoked_by_client', services.clock()));
  }
  return c.body(null, 200, NO_STORE);
}
