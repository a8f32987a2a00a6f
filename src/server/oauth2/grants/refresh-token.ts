import { InvalidScope, OAuthError } from '../errors.js';
import { commitThenFail, tokenAnswer, type Grant } from '../grant-common.js';
import { required } from '../parameters.js';
import { scopesOf } from '../tokens.js';

const parameters = ['refresh_token', 'scope'] as const;

/** RFC 6749 §6: a refresh may ask for less than the session holds, never more. */
function narrowedScope(sessionScope: string, requested: string | undefined): string | InvalidScope {
  if (requested === undefined) return sessionScope;
  const held = new Set(scopesOf(sessionScope));
  const wanted = scopesOf(requested);
  if (wanted.length === 0 || wanted.some((scope) => !held.has(scope))) return new InvalidScope('The scope asked for is not within the scope of the session.', 'scope_exceeds_session');
  return [...new Set(wanted)].join(' ');
}

export const refreshTokenGrant: Grant<typeof parameters> = {
  grantType: 'refresh_token',
  parameters,
  async handler({ services, client, parameters: given, now }) {
    const presented = required(given.refresh_token, 'refresh_token');
    const rotated = await commitThenFail(services.store.db, async (trx) => {
      const outcome = await services.tokens.rotateRefreshToken(trx, presented, client.id, now);
      if (outcome instanceof OAuthError) return outcome;
      const scope = narrowedScope(outcome.family.scope, given.scope);
      // Thrown, not returned: the rotation is rolled back and the token stays usable.
      if (scope instanceof InvalidScope) throw scope;
      return { ...outcome, scope };
    }).catch((error: unknown) => {
      // A reuse was committed with its REFRESH_TOKEN_REUSED event: send it now, not at the next poll.
      if (error instanceof OAuthError && error.code === 'refresh_token_reused') services.onWebhookQueued?.();
      throw error;
    });
    // Seed 001's refresh answer has no `data`; the user is in the answer to the sign-in.
    return tokenAnswer(services.tokens, { ...rotated, nonce: null, withUserData: false, now });
  },
};
