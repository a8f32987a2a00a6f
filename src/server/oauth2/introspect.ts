import type { Context } from 'hono';
import type { MfaState } from '../../protocol/index.js';
import type { Services } from '../context.js';
import { mfaStateOf } from '../identity/mfa.js';
import { authenticateOAuthClient, type AuthenticatedClient } from './client-auth.js';
import { NO_STORE } from './errors.js';
import { readOAuthParameters, required } from './parameters.js';
import { activeUser, findRefreshToken } from './sessions.js';
import { InvalidAccessToken } from './tokens.js';

/** RFC 7662's answer. Anything Keyway would not accept right now is just `{active:false}`, whatever the reason. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      username: string;
      sub: string;
      aud: string;
      iss: string;
      exp: number;
      iat: number;
      sid: string;
      /** The session's MFA state now (an access token's own `mfa` claim is the state it was minted in). */
      mfa: MfaState;
      token_type?: 'Bearer';
      jti?: string;
    };

const INACTIVE = { active: false } as const;
const seconds = (ms: number) => Math.floor(ms / 1000);

async function asAccessToken(services: Services, client: AuthenticatedClient, token: string): Promise<Introspection | undefined> {
  // A refresh token is one base64url word; a JWT has three.
  if (token.split('.').length !== 3) return undefined;
  try {
    const { claims, user, family } = await services.tokens.resolveAccessToken(token);
    if (claims.aud !== client.id) return INACTIVE;
    const { scope, client_id, sub, aud, iss, exp, iat, sid, jti } = claims;
    return { active: true, token_type: 'Bearer', scope, client_id, username: user.email, sub, aud, iss, exp, iat, sid, mfa: mfaStateOf(user, family), jti };
  } catch (error) {
    if (error instanceof InvalidAccessToken) return INACTIVE;
    throw error;
  }
}

async function asRefreshToken(services: Services, client: AuthenticatedClient, token: string): Promise<Introspection | undefined> {
  const found = await findRefreshToken(services.store.db, token);
  if (!found) return undefined;
  const { token: row, family } = found;
  const now = services.clock();
  // A rotated token only ever gets its child back again, for a few seconds: no longer a token to rely on.
  const usable = family.client_id === client.id && family.revoked_at === null && family.expires_at > now && row.rotated_at === null && row.idle_expires_at > now;
  const user = usable ? await activeUser(services.store.db, family.tenant_id, family.user_id) : undefined;
  if (!user) return INACTIVE;
  return {
    active: true,
    scope: family.scope,
    client_id: family.client_id,
    username: user.email,
    sub: family.user_id,
    aud: family.client_id,
    iss: services.tokens.issuer,
    exp: seconds(row.idle_expires_at),
    iat: seconds(row.created_at),
    sid: family.id,
    mfa: mfaStateOf(user, family),
  };
}

/** `POST /oauth2/introspect`: for confidential clients, about their own tokens only. */
export async function introspectionEndpoint(c: Context, services: Services): Promise<Response> {
  const parameters = await readOAuthParameters(c);
  const client = await authenticateOAuthClient(c, services, parameters, { allowPublic: false });
  const token = required(parameters['token'], 'token');
  // The hint only decides which kind is tried first (RFC 7662 §2.1); an unknown hint is ignored.
  const kinds = parameters['token_type_hint'] === 'refresh_token' ? [asRefreshToken, asAccessToken] : [asAccessToken, asRefreshToken];
  let answer: Introspection | undefined;
  for (const kind of kinds) {
    answer = await kind(services, client, token);
    if (answer) break;
  }
  return c.json(answer ?? INACTIVE, 200, NO_STORE);
}
