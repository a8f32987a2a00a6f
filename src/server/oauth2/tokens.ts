import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Kysely } from 'kysely';
import type { MfaState } from '../../protocol/index.js';
import type { Sealer } from '../security/sealer.js';
import { newId, newToken } from '../security/tokens.js';
import type { Database, TokenFamilyTable, UserTable } from '../store/schema.js';
import { InvalidGrant } from './errors.js';
import type { TokenLifetimes } from './lifetimes.js';
import {
  activeUser,
  childOf,
  createSession,
  findRefreshToken,
  forgetSealedChild,
  insertRefreshToken,
  liveSession,
  markRotated,
  refreshTokenById,
  revokeSession,
  type Db,
  type NewSession,
} from './sessions.js';
import { SIGNING_ALG, SigningKeys } from './signing-keys.js';
import { queueIdentityEvent } from '../identity/events.js';

/** RFC 9068's type: an ID token (same issuer, same key, same audience) is never taken for an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  /** The user's id. */
  sub: string;
  /** The client's id; `client_id` repeats it as RFC 9068 asks. */
  aud: string;
  client_id: string;
  exp: number;
  iat: number;
  jti: string;
  scope: string;
  /** The session (token family): revoking it ends the access tokens issued from it at once, at Keyway. */
  sid: string;
  /** The tenant. */
  tid: string;
  /** The session's MFA state when the token was minted; Keyway's own endpoints read the session's current one. */
  mfa?: MfaState;
}

/** Why an access token was refused; the message goes to the client in `error_description`. */
export class InvalidAccessToken extends Error {}

export interface SignedIn {
  claims: AccessTokenClaims;
  family: TokenFamilyTable;
  user: UserTable;
}

export interface Rotated {
  family: TokenFamilyTable;
  user: UserTable;
  refreshToken: string;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function scopesOf(scope: string): string[] {
  return scope.split(' ').filter(Boolean);
}

/** The one token service: every token Keyway issues, checks or rotates goes through here. */
export class TokenService {
  readonly keys: SigningKeys;

  constructor(
    private readonly options: {
      db: Kysely<Database>;
      sealer: Sealer;
      /** `iss` of every token: the public URL, as discovery announces it. */
      issuer: string;
      clock: () => number;
      lifetimes: TokenLifetimes;
    },
  ) {
    this.keys = new SigningKeys(options.db, options.sealer, options.clock);
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get lifetimes(): TokenLifetimes {
    return this.options.lifetimes;
  }

  async accessToken(family: TokenFamilyTable, scope: string, mfa: MfaState, now: number): Promise<{ token: string; expiresIn: number }> {
    const { kid, key } = await this.keys.signingKey();
    const expiresIn = this.options.lifetimes.access_token;
    const token = await new SignJWT({ scope, sid: family.id, tid: family.tenant_id, client_id: family.client_id, mfa })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setSubject(family.user_id)
      .setAudience(family.client_id)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(now) + expiresIn)
      .setJti(newId())
      .sign(key);
    return { token, expiresIn };
  }

  /** OpenID Connect's ID token; `nonce` only at sign-in, not on refresh (OIDC Core §12.2). */
  async idToken(family: TokenFamilyTable, options: { nonce: string | null; accessToken: string; now: number }): Promise<string> {
    const { kid, key } = await this.keys.signingKey();
    const digest = createHash('sha256').update(options.accessToken).digest();
    const claims: JWTPayload = { auth_time: seconds(family.auth_time), sid: family.id, at_hash: digest.subarray(0, digest.length / 2).toString('base64url') };
    if (options.nonce !== null) claims['nonce'] = options.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setSubject(family.user_id)
      .setAudience(family.client_id)
      .setIssuedAt(seconds(options.now))
      .setExpirationTime(seconds(options.now) + this.options.lifetimes.id_token)
      .sign(key);
  }

  /**
   * Checks an access token's signature (ES256 only, by a published Keyway key), type, issuer and
   * expiry. `allowExpired` is for revocation: ending a session with an old token is still wanted.
   */
  async verifyAccessToken(jwt: string, options: { allowExpired?: boolean } = {}): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(jwt, async (header) => (await this.keys.verificationKey(header.kid)) ?? Promise.reject(new InvalidAccessToken('The token is not signed by a key of this issuer.')), {
        algorithms: [SIGNING_ALG],
        issuer: this.options.issuer,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti', 'sid', 'tid', 'client_id', 'scope'],
        currentDate: new Date(this.options.clock()),
      });
      return checkedShape(payload);
    } catch (error) {
      // Expiry is checked last, so an expired token's claims have passed every other check.
      if (options.allowExpired && error instanceof errors.JWTExpired) return checkedShape(error.payload);
      if (error instanceof InvalidAccessToken) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidAccessToken('The access token has expired.');
      if (error instanceof errors.JOSEError) throw new InvalidAccessToken('The access token is not valid.');
      throw error;
    }
  }

  /** A valid token whose session is live and whose user is active: what every protected endpoint needs. */
  async resolveAccessToken(jwt: string): Promise<SignedIn> {
    const claims = await this.verifyAccessToken(jwt);
    const now = this.options.clock();
    const family = await liveSession(this.options.db, claims.sid, now);
    if (!family || family.tenant_id !== claims.tid || family.client_id !== claims.aud || family.client_id !== claims.client_id || family.user_id !== claims.sub) {
      throw new InvalidAccessToken('The session of this access token has ended.');
    }
    const user = await activeUser(this.options.db, family.tenant_id, family.user_id);
    if (!user) throw new InvalidAccessToken('The user is inactive.');
    return { claims, family, user };
  }

  /** A new session; with its first refresh token when the client may use the refresh_token grant. */
  async startSession(trx: Db, session: NewSession, options: { withRefreshToken: boolean; now: number }): Promise<{ family: TokenFamilyTable; refreshToken: string | undefined }> {
    const family = await createSession(trx, session, this.options.lifetimes, options.now);
    const refreshToken = options.withRefreshToken ? await insertRefreshToken(trx, family, null, this.options.lifetimes, options.now) : undefined;
    return { family, refreshToken };
  }

  /**
   * Exchanges a refresh token for its child, in the caller's transaction. A token presented again
   * is either a retry of a lost answer (the newest token's parent, within the retry window: the
   * same child again) or reuse, which revokes the whole family; the caller commits that revocation
   * and then fails the request with the returned error.
   */
  async rotateRefreshToken(trx: Db, presented: string, clientId: string, now: number): Promise<Rotated | InvalidGrant> {
    const found = await findRefreshToken(trx, presented);
    // Another client's token is as unknown to this client as a made-up one.
    if (!found || found.family.client_id !== clientId) return new InvalidGrant('The refresh token is not valid.', 'refresh_token_unknown');
    const { family } = found;
    let { token } = found;
    if (family.revoked_at !== null) return new InvalidGrant('The session of this refresh token was revoked.', 'session_revoked');
    if (family.expires_at <= now) return new InvalidGrant('The session of this refresh token has ended; sign in again.', 'session_expired');
    const user = await activeUser(trx, family.tenant_id, family.user_id);
    if (!user) return new InvalidGrant('The user is inactive.', 'user_inactive');

    if (token.rotated_at === null) {
      if (token.idle_expires_at <= now) return new InvalidGrant('The refresh token has expired.', 'refresh_token_expired');
      const child = newToken();
      if (await markRotated(trx, token.id, this.options.sealer.seal(child), now)) {
        await insertRefreshToken(trx, family, token.id, this.options.lifetimes, now, child);
        await forgetSealedChild(trx, token.parent_id);
        return { family, user, refreshToken: child };
      }
      // A concurrent request rotated it first; this one is its twin and gets the same child below.
      token = (await refreshTokenById(trx, token.id)) ?? token;
    }

    const retried = await this.#retriedChild(trx, token, now);
    if (retried) return { family, user, refreshToken: retried };
    await revokeSession(trx, family.id, 'refresh_token_reused', now);
    // The tenant hears of it: a replayed refresh token means one of its copies is in someone else's hands.
    const event = { status: 'REFRESH_TOKEN_REUSED' as const, user_id: family.user_id, client_id: family.client_id, session_id: family.id };
    await queueIdentityEvent(trx, { tenantId: family.tenant_id, now, event });
    return new InvalidGrant('The refresh token was used already; its session is revoked.', 'refresh_token_reused');
  }

  async #retriedChild(trx: Db, token: { id: string; rotated_at: number | null; sealed_child: string | null }, now: number): Promise<string | undefined> {
    if (token.rotated_at === null || token.sealed_child === null) return undefined;
    if (now - token.rotated_at > this.options.lifetimes.refresh_retry * 1000) return undefined;
    // Only the newest token's parent: once the child has been rotated in turn, the retry is over.
    const child = await childOf(trx, token.id);
    if (!child || child.rotated_at !== null) return undefined;
    return this.options.sealer.open(token.sealed_child);
  }
}

function checkedShape(payload: JWTPayload): AccessTokenClaims {
  const strings = ['sub', 'aud', 'jti', 'sid', 'tid', 'client_id', 'scope'] as const;
  if (strings.some((name) => typeof payload[name] !== 'string') || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') {
    throw new InvalidAccessToken('The access token is not valid.');
  }
  return payload as AccessTokenClaims;
}
