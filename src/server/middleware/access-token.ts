import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { mfaStateOf } from '../identity/mfa.js';
import { InvalidAccessToken, scopesOf } from '../oauth2/tokens.js';

/** RFC 6750 §3: the challenge a refused Bearer request carries. Descriptions are Keyway's own text, without quotes. */
function challenge(error?: 'invalid_token' | 'insufficient_scope' | 'insufficient_user_authentication', description?: string, scope?: string): string {
  const parts = ['realm="keyway"'];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, '')}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Endpoints for a signed-in user (`/users/self`, `/oauth2/userinfo`) take the access token as
 * `Authorization: Bearer`. The token must be an ES256 JWT from Keyway's keys, for Keyway's issuer,
 * not expired; its session (`sid`) must be live and its user ACTIVE, so revoking a session or
 * deactivating a user refuses its tokens at once. With `scope`, the token must hold that scope.
 *
 * A user with MFA must also have validated this session (seed 001's "MFA required"); the session
 * row decides, not the token's `mfa` claim, which was minted before the validation. Only the
 * validation itself (`mfaPending: 'allowed'`) takes a session that has not shown its second factor.
 */
export function accessTokenAuth(services: Pick<Services, 'tokens'>, options: { scope?: string; mfaPending?: 'allowed' } = {}): MiddlewareHandler<AppEnv> {
  return async function accessTokenMiddleware(c, next) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      c.header('WWW-Authenticate', challenge());
      throw new ApiError(401, 'missing_token', 'Send the access token as "Authorization: Bearer <token>".');
    }
    let signedIn;
    try {
      signedIn = await services.tokens.resolveAccessToken(match[1]);
    } catch (error) {
      if (!(error instanceof InvalidAccessToken)) throw error;
      c.header('WWW-Authenticate', challenge('invalid_token', error.message));
      throw new ApiError(401, 'invalid_token', error.message);
    }
    if (options.scope && !scopesOf(signedIn.claims.scope).includes(options.scope)) {
      c.header('WWW-Authenticate', challenge('insufficient_scope', `This needs the ${options.scope} scope.`, options.scope));
      throw new ApiError(403, 'insufficient_scope', `The access token lacks the ${options.scope} scope.`);
    }
    if (options.mfaPending !== 'allowed' && mfaStateOf(signedIn.user, signedIn.family) === 'required') {
      // RFC 9470's challenge: the token is fine, the authentication behind it is not enough yet.
      c.header('WWW-Authenticate', challenge('insufficient_user_authentication', 'MFA required'));
      throw new ApiError(401, 'mfa_required', 'MFA required');
    }
    c.set('accessToken', signedIn);
    c.header('Cache-Control', 'no-store');
    await next();
  };
}
