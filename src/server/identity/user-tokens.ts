import { errors, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Kysely } from 'kysely';
import { USER_TOKEN_TTL } from '../../protocol/index.js';
import type { Db } from '../oauth2/sessions.js';
import { KEY_CACHE_MS, SIGNING_ALG } from '../oauth2/signing-keys.js';
import type { TokenService } from '../oauth2/tokens.js';
import { newToken, sha256 } from '../security/tokens.js';
import type { Database } from '../store/schema.js';

/**
 * A user token (seed 002) is signed with the same keys as access and ID tokens, so its own `typ`
 * and audience keep each from passing as the other: access tokens are `at+jwt` for a client,
 * ID tokens `JWT` for a client, user tokens this, for Keyway's login page.
 */
export const USER_TOKEN_TYPE = 'kw-user+jwt';

export function userTokenAudience(issuer: string): string {
  return `${issuer}/login`;
}

/**
 * The claims: `sub` the user, `tid` the tenant, a random `jti`. No email: the token travels in a
 * URL, which ends up in histories and logs, and a JWT's payload is readable by anyone holding it.
 */
export interface UserTokenClaims extends JWTPayload {
  iss: string;
  aud: string;
  sub: string;
  tid: string;
  jti: string;
  iat: number;
  exp: number;
}

/** Why a user token does not sign anyone in; the caller turns it into a page or an error body. */
export type UserTokenFailure = { failure: 'token_invalid' | 'token_expired' | 'token_used' | 'user_inactive' };
export interface UserTokenSubject {
  tenantId: string;
  userId: string;
}

/** What signing needs: `services.tokens`. */
export type UserTokenSigner = Pick<TokenService, 'issuer' | 'keys'>;
/** What checking needs: `services.tokens` too (only its issuer is read). */
export type UserTokenDeps = Pick<TokenService, 'issuer'>;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The tenant's user token lifetime in seconds. */
export async function userTokenTtl(db: Kysely<Database>, tenantId: string): Promise<{ seconds: number; isDefault: boolean }> {
  const row = await db.selectFrom('tenants').select('user_token_ttl_seconds').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const chosen = row.user_token_ttl_seconds;
  return chosen === null ? { seconds: USER_TOKEN_TTL.default, isDefault: true } : { seconds: Number(chosen), isDefault: false };
}

/** `null` goes back to the default. The bounds are the protocol's; this trusts its caller to have parsed them. */
export async function setUserTokenTtl(db: Kysely<Database>, tenantId: string, ttlSeconds: number | null): Promise<void> {
  await db.updateTable('tenants').set({ user_token_ttl_seconds: ttlSeconds }).where('id', '=', tenantId).execute();
}

/** Signs a token for the user and records its jti (hashed), so that it can be used once. */
export async function mintUserToken(db: Kysely<Database>, signer: UserTokenSigner, subject: UserTokenSubject & { ttlSeconds: number; now: number }): Promise<string> {
  const { kid, key } = await signer.keys.signingKey();
  const jti = newToken();
  const issuedAt = seconds(subject.now);
  const expiresAt = issuedAt + subject.ttlSeconds;
  const token = await new SignJWT({ tid: subject.tenantId })
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: USER_TOKEN_TYPE })
    .setIssuer(signer.issuer)
    .setAudience(userTokenAudience(signer.issuer))
    .setSubject(subject.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(jti)
    .sign(key);
  await db
    .insertInto('user_tokens')
    .values({ jti_hash: sha256(jti), tenant_id: subject.tenantId, user_id: subject.userId, expires_at: expiresAt * 1000, used_at: null, created_at: subject.now })
    .execute();
  return token;
}

// A kid is the thumbprint of its public key, so an imported key never goes stale.
const importedKeys = new Map<string, Promise<CryptoKey>>();

function publicKey(kid: string, publicJwk: string): Promise<CryptoKey> {
  let key = importedKeys.get(kid);
  if (!key) {
    key = importJWK(JSON.parse(publicJwk) as JWK, SIGNING_ALG) as Promise<CryptoKey>;
    importedKeys.set(kid, key);
    key.catch(() => importedKeys.delete(kid));
  }
  return key;
}

/**
 * The key row is read through `db` (the caller's transaction when there is one): on SQLite a
 * query beside an open transaction would wait for it forever. Only Keyway checks these tokens, so
 * a retired key keeps verifying the ones it signed before retiring (and before other instances
 * noticed) until they expire, however soon the JWKS drops it.
 */
async function verifiedClaims(db: Db, deps: UserTokenDeps, token: string, now: number): Promise<{ claims: UserTokenClaims } | UserTokenFailure> {
  const signedBy: { retiredAt: number | null } = { retiredAt: null };
  try {
    const { payload } = await jwtVerify<UserTokenClaims>(
      token,
      async (header) => {
        const row = header.kid ? await db.selectFrom('signing_keys').select(['public_jwk', 'retired_at']).where('kid', '=', header.kid).executeTakeFirst() : undefined;
        if (!row || !header.kid) throw new errors.JWKSNoMatchingKey();
        signedBy.retiredAt = row.retired_at === null ? null : Number(row.retired_at);
        return publicKey(header.kid, row.public_jwk);
      },
      {
        algorithms: [SIGNING_ALG],
        typ: USER_TOKEN_TYPE,
        issuer: deps.issuer,
        audience: userTokenAudience(deps.issuer),
        requiredClaims: ['sub', 'tid', 'jti', 'iat', 'exp'],
        currentDate: new Date(now),
      },
    );
    const shaped = ['sub', 'tid', 'jti'].every((name) => typeof payload[name] === 'string') && typeof payload.iat === 'number' && typeof payload.exp === 'number';
    const signedAfterRetiring = signedBy.retiredAt !== null && payload.iat * 1000 > signedBy.retiredAt + KEY_CACHE_MS;
    if (!shaped || signedAfterRetiring) return { failure: 'token_invalid' };
    return { claims: payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { failure: 'token_expired' };
    if (error instanceof errors.JOSEError || error instanceof SyntaxError) return { failure: 'token_invalid' };
    throw error;
  }
}

/** Every check short of using the token up: signature, claims, its unused record, an active user. */
async function checkUserToken(db: Db, deps: UserTokenDeps, token: string, now: number): Promise<(UserTokenSubject & { jtiHash: string; email: string; expiresAt: number }) | UserTokenFailure> {
  const verified = await verifiedClaims(db, deps, token, now);
  if ('failure' in verified) return verified;
  const { claims } = verified;
  const jtiHash = sha256(claims.jti);
  const record = await db.selectFrom('user_tokens').selectAll().where('jti_hash', '=', jtiHash).executeTakeFirst();
  // Signed but never recorded, or recorded for someone else: not a token Keyway minted as it reads.
  if (!record || record.tenant_id !== claims.tid || record.user_id !== claims.sub) return { failure: 'token_invalid' };
  if (record.used_at !== null) return { failure: 'token_used' };
  if (Number(record.expires_at) <= now) return { failure: 'token_expired' };
  const user = await db.selectFrom('users').select(['status', 'email']).where('id', '=', claims.sub).where('tenant_id', '=', claims.tid).executeTakeFirst();
  if (!user) return { failure: 'token_invalid' };
  if (user.status !== 'ACTIVE') return { failure: 'user_inactive' };
  return { tenantId: claims.tid, userId: claims.sub, jtiHash, email: user.email, expiresAt: Number(record.expires_at) };
}

/** For drawing the login page: whether the token would sign its user in now, changing nothing. */
export async function verifyUserToken(db: Db, deps: UserTokenDeps, token: string, now: number): Promise<(UserTokenSubject & { email: string; expiresAt: number }) | UserTokenFailure> {
  const checked = await checkUserToken(db, deps, token, now);
  if ('failure' in checked) return checked;
  return { tenantId: checked.tenantId, userId: checked.userId, email: checked.email, expiresAt: checked.expiresAt };
}

/**
 * Uses the token up in the caller's transaction, after every check has passed, so a refused token
 * changes nothing. Of two sign-ins racing with one token, the row count lets exactly one through.
 */
export async function consumeUserToken(trx: Db, deps: UserTokenDeps, token: string, now: number): Promise<UserTokenSubject | UserTokenFailure> {
  const checked = await checkUserToken(trx, deps, token, now);
  if ('failure' in checked) return checked;
  const used = await trx.updateTable('user_tokens').set({ used_at: now }).where('jti_hash', '=', checked.jtiHash).where('used_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return { failure: 'token_used' };
  return { tenantId: checked.tenantId, userId: checked.userId };
}
