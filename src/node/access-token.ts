import type { MfaState } from '../protocol/index.js';

export interface VerifyAccessTokenOptions {
  /** Keyway's public URL, exactly as `iss` carries it (discovery's `issuer`). */
  issuer: string;
  /** Your OAuth client's id: a token issued to another client is refused. */
  audience: string;
  /** Refuse a session whose MFA is still owed (`mfa: "required"`); default true. */
  requireMfaPassed?: boolean;
  /** Seconds of clock difference tolerated; default 5. */
  clockToleranceSeconds?: number;
}

/** What a verified access token says (RFC 9068 claims plus Keyway's). */
export interface KeywayAccessToken {
  /** The user's id. */
  sub: string;
  client_id: string;
  scope: string;
  /** The session: the same for every token of one sign-in. */
  sid: string;
  /** The tenant. */
  tid: string;
  mfa?: MfaState;
  iat: number;
  exp: number;
  jti: string;
}

type RemoteKeys = ReturnType<typeof import('jose').createRemoteJWKSet>;
const keySets = new Map<string, RemoteKeys>();

/**
 * Checks an access token locally against Keyway's JWKS (fetched once, then refreshed when an unknown
 * `kid` appears, as jose does): signature, `iss`, `aud`, `exp`, and the `at+jwt` type, so an ID token
 * is never taken for an access token. A revoked session's tokens stay valid here until they expire;
 * ask `/oauth2/introspect` when that matters. Throws jose's errors on refusal.
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<KeywayAccessToken> {
  const { createRemoteJWKSet, jwtVerify, errors } = await import('jose');
  const jwksUrl = new URL('.well-known/jwks.json', options.issuer.endsWith('/') ? options.issuer : `${options.issuer}/`);
  let keys = keySets.get(jwksUrl.href);
  if (!keys) {
    keys = createRemoteJWKSet(jwksUrl);
    keySets.set(jwksUrl.href, keys);
  }
  const { payload } = await jwtVerify(token, keys, {
    issuer: options.issuer,
    audience: options.audience,
    typ: 'at+jwt',
    algorithms: ['ES256'],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['sub', 'exp', 'iat', 'jti', 'sid'],
  });
  if ((options.requireMfaPassed ?? true) && payload['mfa'] === 'required') {
    throw new errors.JWTClaimValidationFailed('the session has not passed MFA yet', payload, 'mfa', 'check_failed');
  }
  return payload as unknown as KeywayAccessToken;
}
