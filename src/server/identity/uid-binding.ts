import type { Kysely } from 'kysely';
import type { UserTokenRequest } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import type { RateLimits } from '../security/rate-limits.js';
import type { Database, UserTable } from '../store/schema.js';
import { hashUid, verifyUid } from './uid-hash.js';
import { createUser, findUserByEmail } from './users.js';

export interface UidDeps {
  db: Kysely<Database>;
  limits: RateLimits;
}

function uidMismatch(): ApiError {
  return new ApiError(401, 'uid_mismatch', 'The uid is not the one this email was first given with.', { field: 'uid' });
}

/**
 * A user made by its first user token has only an email. Its local part stands in as the first
 * name, the last name stays empty, until the host sets real ones with PUT /api/v1/users/{id}.
 */
function namesFrom(email: string): { first_name: string; last_name: string } {
  return { first_name: email.slice(0, email.lastIndexOf('@')).slice(0, 100), last_name: '' };
}

/** Creates the user with its uid in one transaction; undefined when another request made that email's user first. */
async function createWithUid(deps: UidDeps, tenantId: string, email: string, uidHash: string, now: number): Promise<UserTable | undefined> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row = await createUser(trx, tenantId, { email, ...namesFrom(email) }, now);
      await trx.updateTable('users').set({ uid_hash: uidHash }).where('id', '=', row.id).execute();
      return { ...row, uid_hash: uidHash };
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'email_taken') return undefined;
    throw error;
  }
}

/** Binds `uidHash` to a user that has none yet (made by the users API, say); false when another uid got there first. */
async function bindUid(db: Kysely<Database>, userId: string, uidHash: string): Promise<boolean> {
  const result = await db.updateTable('users').set({ uid_hash: uidHash }).where('id', '=', userId).where('uid_hash', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The user a user token is asked for (seed 002): the first request for an email creates it (or,
 * for a user without a uid, binds one); every later one must send the same uid. The uid is checked
 * like a password: limits are looked at before the slow hash, so a locked user or address learns
 * nothing even from the right uid, and a wrong one counts for both.
 */
export async function userForUid(deps: UidDeps, tenantId: string, request: UserTokenRequest, context: { address: string; now: number }): Promise<UserTable> {
  await deps.limits.check('uid_failures', context.address);
  let user = await findUserByEmail(deps.db, tenantId, request.email);
  if (!user) {
    const created = await createWithUid(deps, tenantId, request.email, await hashUid(request.uid), context.now);
    if (created) return created;
    user = await findUserByEmail(deps.db, tenantId, request.email);
    if (!user) throw new ApiError(409, 'user_changed', 'The user was changed by another request meanwhile; try again.');
  }
  await deps.limits.check('uid_user_failures', user.id);
  if (!user.uid_hash) {
    if (await bindUid(deps.db, user.id, await hashUid(request.uid))) return user;
    user = await findUserByEmail(deps.db, tenantId, request.email);
    if (!user?.uid_hash) throw new ApiError(409, 'user_changed', 'The user was changed by another request meanwhile; try again.');
  }
  if (await verifyUid(request.uid, user.uid_hash)) return user;
  const overForUser = await deps.limits.count('uid_user_failures', user.id);
  const overForAddress = await deps.limits.count('uid_failures', context.address);
  throw overForUser ?? overForAddress ?? uidMismatch();
}
