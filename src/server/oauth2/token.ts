import type { Context } from 'hono';
import type { Services } from '../context.js';
import { authenticateOAuthClient } from './client-auth.js';
import { NO_STORE, UnauthorizedClient, UnsupportedGrantType } from './errors.js';
import { GRANTS } from './grants/index.js';
import { pick, readOAuthParameters, required } from './parameters.js';

/**
 * `POST /oauth2/token`: the shared steps, then the grant. The client is authenticated before the
 * grant type is looked at, so an unknown client learns nothing about what this server offers.
 */
export async function tokenEndpoint(c: Context, services: Services): Promise<Response> {
  const parameters = await readOAuthParameters(c);
  const grantType = required(parameters['grant_type'], 'grant_type');
  const client = await authenticateOAuthClient(c, services, parameters, { allowPublic: true });
  const grant = GRANTS.get(grantType);
  if (!grant) throw new UnsupportedGrantType(`This server does not offer the ${grantType} grant.`);
  if (!client.grantTypes.some((allowed) => allowed === grantType)) throw new UnauthorizedClient(`This client may not use the ${grantType} grant.`);
  const answer = await grant.handler({ services, client, parameters: pick(parameters, grant.parameters), now: services.clock(), clientAddress: services.clientAddress(c) });
  return c.json(answer, 200, NO_STORE);
}
