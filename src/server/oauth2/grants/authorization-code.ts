import { createHash } from 'node:crypto';
import { safeEqual } from '../../security/tokens.js';
import type { AuthorizationCodeTable } from '../../store/schema.js';
import { consumeAuthorizationCode, findAuthorizationCode } from '../authorization-codes.js';
import type { AuthenticatedClient } from '../client-auth.js';
import { InvalidGrant } from '../errors.js';
import { commitThenFail, consumeOrRevoke, tokenAnswer, type Grant } from '../grant-common.js';
import { required } from '../parameters.js';
import { activeUser, revokeSessionsOfCode } from '../sessions.js';

const parameters = ['code', 'redirect_uri', 'code_verifier'] as const;

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const pkceFailed = () => new InvalidGrant('PKCE verification failed.', 'pkce_failed');

/**
 * PKCE, S256 only: required when the code carries a challenge or the client is public; a
 * verifier for a code that has no challenge is refused too (it means the client's state is off).
 */
function pkceProblem(code: AuthorizationCodeTable, client: AuthenticatedClient, verifier: string | undefined): InvalidGrant | undefined {
  if (code.code_challenge === null) {
    if (verifier !== undefined) return new InvalidGrant('A code_verifier was sent, but the authorization request had no code_challenge.', 'pkce_unexpected');
    if (client.isPublic) return new InvalidGrant('A public client must use PKCE.', 'pkce_required');
    return undefined;
  }
  if (code.code_challenge_method !== 'S256' || verifier === undefined || !VERIFIER.test(verifier)) return pkceFailed();
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return safeEqual(computed, code.code_challenge) ? undefined : pkceFailed();
}

export const authorizationCodeGrant: Grant<typeof parameters> = {
  grantType: 'authorization_code',
  parameters,
  async handler({ services, client, parameters: given, now }) {
    const code = required(given.code, 'code');
    // Keyway's authorization requests always name a redirect URI, so the exchange must repeat it (RFC 6749 §4.1.3).
    const redirectUri = required(given.redirect_uri, 'redirect_uri');
    const issued = await commitThenFail(services.store.db, async (trx) => {
      const row = await findAuthorizationCode(trx, code);
      // Another client's code is as unknown as a made-up one, and stays usable by its own client.
      if (!row || row.client_id !== client.id) return new InvalidGrant('The authorization code is not valid.', 'code_unknown');
      const pkce = pkceProblem(row, client, given.code_verifier);
      if (pkce) return pkce;
      if (row.redirect_uri !== redirectUri || !client.redirectUris.includes(redirectUri)) {
        return new InvalidGrant('redirect_uri is not the one the code was issued for.', 'redirect_uri_mismatch');
      }
      const replayed = new InvalidGrant('The authorization code was used already; what it issued is revoked.', 'code_reused');
      const revoke = () => revokeSessionsOfCode(trx, row.id, now);
      // A used code is a replay whenever it comes back, expired or not.
      if (row.used_at !== null) {
        await revoke();
        return replayed;
      }
      if (row.expires_at <= now) return new InvalidGrant('The authorization code has expired.', 'code_expired');
      const refused = await consumeOrRevoke({ consume: () => consumeAuthorizationCode(trx, row.id, now), revoke, replayed });
      if (refused) return refused;

      const user = await activeUser(trx, row.tenant_id, row.user_id);
      if (!user) return new InvalidGrant('The user is inactive.', 'user_inactive');
      const session = { tenantId: row.tenant_id, clientId: client.id, userId: user.id, scope: row.scope, authMethod: row.auth_method, authTime: row.auth_time, authorizationCodeId: row.id, mfaValidated: row.mfa_validated === 1 };
      const { family, refreshToken } = await services.tokens.startSession(trx, session, { withRefreshToken: client.grantTypes.includes('refresh_token'), now });
      return { family, user, refreshToken, nonce: row.nonce };
    });
    return tokenAnswer(services.tokens, { ...issued, scope: issued.family.scope, withUserData: true, now });
  },
};
