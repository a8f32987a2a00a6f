import type { Kysely } from 'kysely';
import { ApiError } from '../errors.js';
import type { Database, UserTable } from '../store/schema.js';
import { lockoutKeys, PasswordLockout, type LockoutKind, type LockoutRules } from './password-lockout.js';
import { argon2idHasher, passwordProblem, type PasswordHasher } from './passwords.js';
import { emailKey, endUserSessions, findUserByEmail, userNotFound } from './users.js';

/** What a password sign-in attempt comes to. Every `refused` looks and costs the same, whatever the reason. */
export type PasswordCheck =
  | { outcome: 'signed_in'; user: UserTable }
  | { outcome: 'refused' }
  | { outcome: 'locked'; locked: LockoutKind; retryAfterSeconds: number };

export interface PasswordAttempt {
  tenantId: string;
  /** As the user typed it; compared case-insensitively within the tenant. */
  email: string;
  password: string;
  /** The client address (`Services.clientAddress`), for the per-address counter. */
  address: string;
  now: number;
}

/** The tenant's view of a user's password lockout, as `GET /api/v1/users/{id}` shows it. */
export interface PasswordLockoutView {
  failed_sign_ins: number;
  locked_until: string | null;
}

/**
 * Users' passwords: checking one at sign-in (the password grant, the wizard's credentials step),
 * and setting or removing one (the users API, onboarding, a password reset).
 */
export class PasswordSignIn {
  readonly lockout: PasswordLockout;

  constructor(
    private readonly db: Kysely<Database>,
    readonly hasher: PasswordHasher = argon2idHasher(),
    rules?: LockoutRules,
  ) {
    this.lockout = new PasswordLockout(db, rules);
    // Made now, so the first unknown user does not pay for it (and stand out by it).
    hasher.dummyHash().catch(() => undefined);
  }

  /**
   * Locks are checked (and the attempt counted) before any hash, so a locked account costs no
   * CPU and a right password learns nothing during the lock. Unknown users and users without a
   * password are checked against a dummy hash, and an inactive user's right password is still
   * refused and counted: wrong, unknown, password-less and inactive are one answer in one time.
   */
  async check(attempt: PasswordAttempt): Promise<PasswordCheck> {
    const user = await findUserByEmail(this.db, attempt.tenantId, attempt.email);
    const account = user ? lockoutKeys.user(user.id) : lockoutKeys.unknownEmail(attempt.tenantId, emailKey(attempt.email));
    const reservation = await this.lockout.reserve({ account, address: lockoutKeys.address(attempt.address) }, attempt.now);
    if ('locked' in reservation) return { outcome: 'locked', ...reservation };

    const storedHash = user?.password_hash ?? (await this.hasher.dummyHash());
    const matches = await this.hasher.verify(storedHash, attempt.password);
    if (!matches || !user || user.password_hash === null || user.status !== 'ACTIVE') {
      await this.lockout.failed(reservation, attempt.now);
      return { outcome: 'refused' };
    }

    await this.lockout.succeeded(reservation);
    if (this.hasher.needsRehash(user.password_hash)) await this.#rehash(user, attempt.password);
    return { outcome: 'signed_in', user };
  }

  /**
   * Sets a user's password after the policy allows it. Every session the user has ends (a new
   * password is what one sets after a suspected compromise), and a lock is lifted. Callers that
   * sign the user in with it (onboarding, a reset) start their session after this.
   */
  async setPassword(tenantId: string, userId: string, password: string, now: number): Promise<UserTable> {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!user) throw userNotFound();
    const problem = passwordProblem(password, { email: user.email });
    if (problem) throw new ApiError(422, 'password_rejected', problem.message, { field: 'password', rule: problem.rule }, undefined, problem.i18n);
    const passwordHash = await this.hasher.hash(password);
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('users').set({ password_hash: passwordHash, has_password: 1, updated_at: now }).where('id', '=', userId).where('tenant_id', '=', tenantId).returningAll().executeTakeFirst();
      if (!row) throw userNotFound();
      await endUserSessions(trx, userId, 'password_changed', now);
      return row;
    });
    await this.lockout.clear(lockoutKeys.user(userId));
    return updated;
  }

  /** The user signs in without a password from now on; sessions stay (nothing was compromised by removing it). */
  async removePassword(tenantId: string, userId: string, now: number): Promise<UserTable> {
    const row = await this.db.updateTable('users').set({ password_hash: null, has_password: 0, updated_at: now }).where('id', '=', userId).where('tenant_id', '=', tenantId).returningAll().executeTakeFirst();
    if (!row) throw userNotFound();
    await this.lockout.clear(lockoutKeys.user(userId));
    return row;
  }

  /** Lockout views of `users`, by user id, in one query. */
  async lockoutViews(users: UserTable[], now: number): Promise<Map<string, PasswordLockoutView>> {
    const states = await this.lockout.states(users.map((user) => lockoutKeys.user(user.id)), now);
    const views = new Map<string, PasswordLockoutView>();
    for (const user of users) {
      const state = states.get(lockoutKeys.user(user.id));
      views.set(user.id, { failed_sign_ins: state?.failures ?? 0, locked_until: state?.lockedUntil ? new Date(state.lockedUntil).toISOString() : null });
    }
    return views;
  }

  async lockoutView(user: UserTable, now: number): Promise<PasswordLockoutView> {
    return (await this.lockoutViews([user], now)).get(user.id) ?? { failed_sign_ins: 0, locked_until: null };
  }

  async #rehash(user: UserTable, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    // Only if unchanged since it was read: a password set meanwhile wins.
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', user.id).where('password_hash', '=', user.password_hash).execute();
  }
}
