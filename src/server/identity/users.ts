import type { Kysely, Transaction } from 'kysely';
import type { User, UserCreateRequest, UserStatus, UserType, UserUpdateRequest } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { newId } from '../security/tokens.js';
import { isForeignKeyViolation, isUniqueViolation, type UniqueIndex } from '../store/constraints.js';
import { decodeCursor, encodeCursor } from '../store/keyset.js';
import type { Database, UserTable } from '../store/schema.js';
import type { PasswordLockoutView } from './password-sign-in.js';
import { deleteMfaOf } from './mfa.js';

const EMAIL_INDEX: UniqueIndex = { name: 'users_email', table: 'users', columns: ['tenant_id', 'email_key'] };

/** Emails are one user per tenant whatever their case: J@x.com and j@x.com are the same address here. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

export function userNotFound(): ApiError {
  return new ApiError(404, 'user_not_found', 'No user of yours has this id.');
}

function emailTaken(): ApiError {
  return new ApiError(409, 'email_taken', 'Another user of yours already has this email address.', { field: 'email' });
}

/** `lockout` comes from PasswordSignIn.lockoutViews: the counters live in their own table. */
export function userView(row: UserTable, lockout: PasswordLockoutView): User {
  return {
    object: 'User',
    id: row.id,
    email: row.email,
    type: row.type,
    first_name: row.first_name,
    last_name: row.last_name,
    status: row.status,
    phone_number: row.phone_number,
    timezone: row.timezone,
    mfa_enabled: row.mfa_enabled === 1,
    has_password: row.has_password === 1,
    failed_sign_ins: lockout.failed_sign_ins,
    locked_until: lockout.locked_until,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** The user as seed 001's token answer shows it (`data`), limited to the fields Keyway has. */
export interface SeedUserData {
  type: 'user';
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  display_name: string;
  phone_number: string | null;
  user_type: UserType;
  user_status: 'Active' | 'Inactive';
  email_confirmed: boolean;
  mfa_enabled: boolean;
  has_password: boolean;
  timezone: string | null;
  /** Epoch seconds with a fraction, as the seed shows them. */
  created_at: number;
  updated_at: number;
}

/**
 * Keyway keeps no lasting record of a confirmed address, so the caller says whether the sign-in
 * at hand proved it (an email code or link did; a password or a host-minted token did not).
 */
export function seedUserData(row: UserTable, options: { emailConfirmed?: boolean } = {}): SeedUserData {
  return {
    type: 'user',
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    display_name: `${row.first_name} ${row.last_name}`.trim(),
    phone_number: row.phone_number,
    user_type: row.type,
    user_status: row.status === 'ACTIVE' ? 'Active' : 'Inactive',
    email_confirmed: options.emailConfirmed ?? false,
    mfa_enabled: row.mfa_enabled === 1,
    has_password: row.has_password === 1,
    timezone: row.timezone,
    created_at: row.created_at / 1000,
    updated_at: row.updated_at / 1000,
  };
}

export async function findUser(db: Kysely<Database>, tenantId: string, id: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, tenantId: string, email: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('email_key', '=', emailKey(email)).executeTakeFirst();
}

export interface UserPage {
  rows: UserTable[];
  /** Null on the last page. */
  cursor: string | null;
}

/** Newest first, in keyset pages; `email` matches exactly, ignoring case. */
export async function listUsers(
  db: Kysely<Database>,
  tenantId: string,
  filter: { email?: string; type?: UserType; limit: number; cursor?: string },
): Promise<UserPage> {
  let select = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
  if (filter.email !== undefined) select = select.where('email_key', '=', emailKey(filter.email));
  if (filter.type !== undefined) select = select.where('type', '=', filter.type);
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    select = select.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { rows: page, cursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
}

export async function createUser(db: Kysely<Database>, tenantId: string, request: UserCreateRequest, now: number): Promise<UserTable> {
  const row: UserTable = {
    id: newId(),
    tenant_id: tenantId,
    email: request.email,
    email_key: emailKey(request.email),
    type: request.type ?? 'PERSONAL',
    first_name: request.first_name,
    last_name: request.last_name,
    status: 'ACTIVE',
    phone_number: request.phone_number ?? null,
    timezone: request.timezone ?? null,
    mfa_enabled: 0,
    has_password: 0,
    password_hash: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX)) throw emailTaken();
    throw error;
  }
  return row;
}

export async function updateUser(db: Kysely<Database>, tenantId: string, id: string, changes: UserUpdateRequest, now: number): Promise<UserTable> {
  const set: Partial<UserTable> = { updated_at: now };
  if (changes.first_name !== undefined) set.first_name = changes.first_name;
  if (changes.last_name !== undefined) set.last_name = changes.last_name;
  if (changes.type !== undefined) set.type = changes.type;
  if (changes.phone_number !== undefined) set.phone_number = changes.phone_number;
  if (changes.timezone !== undefined) set.timezone = changes.timezone;
  if (changes.email !== undefined) {
    set.email = changes.email;
    set.email_key = emailKey(changes.email);
  }
  let updated: UserTable | undefined;
  try {
    updated = await db.updateTable('users').set(set).where('id', '=', id).where('tenant_id', '=', tenantId).returningAll().executeTakeFirst();
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX)) throw emailTaken();
    throw error;
  }
  if (!updated) throw userNotFound();
  return updated;
}

/**
 * Ends every session of a user: its token families stop refreshing (`reason` is recorded on them),
 * and codes not yet exchanged expire, so none becomes a new session afterwards.
 */
export async function endUserSessions(trx: Transaction<Database>, userId: string, reason: string, now: number): Promise<void> {
  await trx.updateTable('token_families').set({ revoked_at: now, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  await trx.updateTable('authorization_codes').set({ expires_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).where('expires_at', '>', now).execute();
}

/** ACTIVE or INACTIVE; deactivating ends the user's sessions in the same transaction. */
export async function setUserStatus(db: Kysely<Database>, tenantId: string, id: string, status: UserStatus, now: number): Promise<UserTable> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('users').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!current) throw userNotFound();
    // The same status again changes nothing, not even updated_at.
    const row = current.status === status ? current : await trx.updateTable('users').set({ status, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (status === 'INACTIVE') await endUserSessions(trx, id, 'user_inactive', now);
    return row;
  });
}

/** A sign-in that completes while the user is deleted can add a session in between; a few tries then see it. */
const DELETE_ATTEMPTS = 3;

/**
 * Deletes the user and its sessions (refresh tokens, families, codes) in one transaction. Sign-in
 * requests that named the user lose it, and their links expire, so none signs anyone in later.
 */
export async function deleteUser(db: Kysely<Database>, tenantId: string, id: string, now: number): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deleteUserOnce(db, tenantId, id, now);
    } catch (error) {
      if (attempt >= DELETE_ATTEMPTS || !isForeignKeyViolation(error)) throw error;
    }
  }
}

async function deleteUserOnce(db: Kysely<Database>, tenantId: string, id: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!user) throw userNotFound();
    const families = trx.selectFrom('token_families').select('id').where('user_id', '=', id);
    await trx.deleteFrom('refresh_tokens').where('family_id', 'in', families).execute();
    await trx.deleteFrom('token_families').where('user_id', '=', id).execute();
    await trx.deleteFrom('authorization_codes').where('user_id', '=', id).execute();
    const requests = trx.selectFrom('signin_requests').select('link_id').where('user_id', '=', id);
    await trx.updateTable('links').set({ expires_at: now }).where('id', 'in', requests).where('used_at', 'is', null).where('expires_at', '>', now).execute();
    await trx.updateTable('signin_requests').set({ user_id: null }).where('user_id', '=', id).execute();
    await deleteMfaOf(trx, id);
    await trx.deleteFrom('users').where('id', '=', id).execute();
  });
}
