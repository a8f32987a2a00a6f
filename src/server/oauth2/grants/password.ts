import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { queueIdentityEvent } from '../../identity/events.js';
import { SCOPES } from '../discovery.js';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../errors.js';
import { tokenAnswer, type Grant } from '../grant-common.js';
import { required } from '../parameters.js';
import { activeUser } from '../sessions.js';
import { scopesOf } from '../tokens.js';

const parameters = ['username', 'password', 'scope'] as const;

/** Longer than any stored password (256 characters) or address (254): refused before anything is looked up. */
const MAX_PASSWORD_INPUT = 1024;
const MAX_USERNAME_INPUT = 320;

/** The scope when none is asked for: as for a login URL. */
const DEFAULT_SCOPE = 'openid';

/** A lock: 429 with Retry-After, in the token endpoint's OAuth shape. */
class SignInLocked extends InvalidGrant {
  override readonly status: ContentfulStatusCode = 429;

  constructor(description: string, retryAfterSeconds: number) {
    super(description, 'rate_limited');
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export function requestedScope(requested: string | undefined): string | InvalidScope {
  if (requested === undefined) return DEFAULT_SCOPE;
  const wanted = scopesOf(requested);
  if (wanted.length === 0 || wanted.some((scope) => !(SCOPES as readonly string[]).includes(scope))) {
    return new InvalidScope(`The scope may hold only ${SCOPES.join(', ')}.`, 'scope_unknown');
  }
  return [...new Set(wanted)].join(' ');
}

function waitText(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Seed 001's password grant (RFC 6749 §4.3): `username` is the user's email, looked up in the
 * client's tenant. The token endpoint has authenticated the client and checked that it may use
 * this grant (public clients never may). A wrong password, an unknown user, one without a password
 * and an inactive one all get the same `invalid_grant`, after one hash each.
 */
export const passwordGrant: Grant<typeof parameters> = {
  grantType: 'password',
  parameters,
  async handler({ services, client, parameters: given, now, clientAddress }) {
    const username = required(given.username, 'username').trim();
    const password = required(given.password, 'password');
    if (username.length > MAX_USERNAME_INPUT || password.length > MAX_PASSWORD_INPUT) throw new InvalidRequest('The username or password is longer than any this server accepts.', 'parameter_too_long');
    const scope = requestedScope(given.scope);
    if (scope instanceof InvalidScope) throw scope;

    const check = await services.passwords.check({ tenantId: client.tenantId, email: username, password, address: clientAddress, now });
    if (check.outcome === 'locked') {
      const whose = check.locked === 'account' ? 'this account' : 'your address';
      throw new SignInLocked(`Too many failed sign-ins for ${whose}; try again in ${waitText(check.retryAfterSeconds)}.`, check.retryAfterSeconds);
    }
    if (check.outcome === 'refused') throw new InvalidGrant('The username or password is wrong.', 'invalid_credentials');

    const { user, family, refreshToken, eventQueued } = await services.store.db.transaction().execute(async (trx) => {
      // Deactivated while the hash was being checked: no session after all.
      const current = await activeUser(trx, client.tenantId, check.user.id);
      if (!current) throw new InvalidGrant('The username or password is wrong.', 'invalid_credentials');
      const session = { tenantId: client.tenantId, clientId: client.id, userId: current.id, scope, authMethod: 'password' as const, authTime: now, authorizationCodeId: null };
      const started = await services.tokens.startSession(trx, session, { withRefreshToken: client.grantTypes.includes('refresh_token'), now });
      const event = { status: 'USER_SIGNED_IN' as const, user_id: current.id, client_id: client.id, method: 'password' };
      return { user: current, ...started, eventQueued: await queueIdentityEvent(trx, { tenantId: client.tenantId, now, event }) };
    });
    if (eventQueued) services.onWebhookQueued?.();
    return tokenAnswer(services.tokens, { family, user, scope, refreshToken, nonce: null, withUserData: true, now });
  },
};
