import type { Kysely, Transaction } from 'kysely';
import { newId, newToken, sha256 } from '../security/tokens.js';
import type { Database, RefreshTokenTable, SignInMethod, TokenFamilyTable, UserTable } from '../store/schema.js';
import type { TokenLifetimes } from './lifetimes.js';

/**
 * Sessions as stored: a token family per sign-in, its refresh tokens rotated one after another.
 * Only rows here; the rules for using them are the token service's.
 */

export type Db = Kysely<Database> | Transaction<Database>;

export type RevokedReason = 'refresh_token_reused' | 'authorization_code_reused' | 'revoked_by_client';

export interface NewSession {
  tenantId: string;
  clientId: string;
  userId: string;
  scope: string;
  authMethod: SignInMethod;
  authTime: number;
  authorizationCodeId: string | null;
  /** The sign-in already passed MFA (a wizard sign-in's code says so). */
  mfaValidated?: boolean;
}

export async function createSession(trx: Db, session: NewSession, lifetimes: TokenLifetimes, now: number): Promise<TokenFamilyTable> {
  const family: TokenFamilyTable = {
    id: newId(),
    tenant_id: session.tenantId,
    client_id: session.clientId,
    user_id: session.userId,
    authorization_code_id: session.authorizationCodeId,
    scope: session.scope,
    auth_method: session.authMethod,
    auth_time: session.authTime,
    mfa_validated: session.mfaValidated ? 1 : 0,
    created_at: now,
    expires_at: now + lifetimes.refresh_absolute * 1000,
    revoked_at: null,
    revoked_reason: null,
  };
  await trx.insertInto('token_families').values(family).execute();
  return family;
}

/** A new refresh token in `family`; it never outlives the family. Returns the token, shown once. */
export async function insertRefreshToken(trx: Db, family: TokenFamilyTable, parentId: string | null, lifetimes: TokenLifetimes, now: number, token = newToken()): Promise<string> {
  await trx
    .insertInto('refresh_tokens')
    .values({
      id: newId(),
      family_id: family.id,
      token_hash: sha256(token),
      parent_id: parentId,
      created_at: now,
      idle_expires_at: Math.min(now + lifetimes.refresh_idle * 1000, family.expires_at),
      rotated_at: null,
      sealed_child: null,
    })
    .execute();
  return token;
}

export async function findRefreshToken(db: Db, token: string): Promise<{ token: RefreshTokenTable; family: TokenFamilyTable } | undefined> {
  const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row) return undefined;
  const family = await db.selectFrom('token_families').selectAll().where('id', '=', row.family_id).executeTakeFirstOrThrow();
  return { token: row, family };
}

export function refreshTokenById(db: Db, id: string): Promise<RefreshTokenTable | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export function childOf(db: Db, parentId: string): Promise<RefreshTokenTable | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('parent_id', '=', parentId).executeTakeFirst();
}

/**
 * Marks `token` rotated, keeping its child sealed for a retry. The `rotated_at IS NULL` guard makes
 * one of two concurrent rotations win; the loser sees `false`.
 */
export async function markRotated(trx: Db, tokenId: string, sealedChild: string, now: number): Promise<boolean> {
  const result = await trx.updateTable('refresh_tokens').set({ rotated_at: now, sealed_child: sealedChild }).where('id', '=', tokenId).where('rotated_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The grandparent's retry window is long over once its child has rotated too: its sealed copy goes. */
export async function forgetSealedChild(trx: Db, tokenId: string | null): Promise<void> {
  if (tokenId) await trx.updateTable('refresh_tokens').set({ sealed_child: null }).where('id', '=', tokenId).execute();
}

export async function revokeSession(trx: Db, familyId: string, reason: RevokedReason, now: number): Promise<void> {
  await trx.updateTable('token_families').set({ revoked_at: now, revoked_reason: reason }).where('id', '=', familyId).where('revoked_at', 'is', null).execute();
  await trx.updateTable('refresh_tokens').set({ sealed_child: null }).where('family_id', '=', familyId).where('sealed_child', 'is not', null).execute();
}

/** A code exchanged twice: whatever it issued is suspect (RFC 6749 §4.1.2). */
export async function revokeSessionsOfCode(trx: Db, codeId: string, now: number): Promise<void> {
  const families = await trx.selectFrom('token_families').select('id').where('authorization_code_id', '=', codeId).execute();
  for (const family of families) await revokeSession(trx, family.id, 'authorization_code_reused', now);
}

/** The user, if they may still hold a session (DESIGN: inactive users' sessions stop working). */
export function activeUser(db: Db, tenantId: string, userId: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).where('tenant_id', '=', tenantId).where('status', '=', 'ACTIVE').executeTakeFirst();
}

/** A session is usable when neither revoked nor past its absolute end, and its client still exists. */
export async function liveSession(db: Db, familyId: string, now: number): Promise<TokenFamilyTable | undefined> {
  return db
    .selectFrom('token_families')
    .innerJoin('oauth_clients', 'oauth_clients.id', 'token_families.client_id')
    .selectAll('token_families')
    .where('token_families.id', '=', familyId)
    .where('token_families.revoked_at', 'is', null)
    .where('token_families.expires_at', '>', now)
    .where('oauth_clients.revoked_at', 'is', null)
    .executeTakeFirst();
}
