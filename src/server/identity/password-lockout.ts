import { sql, type Kysely } from 'kysely';
import { sha256 } from '../security/tokens.js';
import type { Database } from '../store/schema.js';

/**
 * Failed password sign-ins, counted in the database (`password_failures`) so every instance
 * shares them. Two counters take part in each attempt: the account's and the client address's.
 * After `maxFailures` a counter locks for `firstLockSeconds`; each failure after a lock ends
 * doubles the next one, up to `maxLockSeconds`. A counter with no failure for
 * `forgetAfterSeconds` starts again from zero.
 */
export interface LockoutRule {
  maxFailures: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
  forgetAfterSeconds: number;
}

export type LockoutKind = 'account' | 'address';
export type LockoutRules = Record<LockoutKind, LockoutRule>;

/**
 * Five guesses per account, then 1, 2, 4 … minutes up to an hour: a guesser gets 35 guesses at
 * one account on the first day and 24 a day after, while its owner, after a few typos, waits a
 * minute. Twenty per address catches one source spraying many accounts; successes do not count.
 */
export const DEFAULT_LOCKOUT: LockoutRules = {
  account: { maxFailures: 5, firstLockSeconds: 60, maxLockSeconds: 3600, forgetAfterSeconds: 86_400 },
  address: { maxFailures: 20, firstLockSeconds: 60, maxLockSeconds: 3600, forgetAfterSeconds: 3600 },
};

/**
 * An existing user's counter follows the user; an unknown address gets one of its own (hashed,
 * keyed by tenant), so that unknown addresses lock exactly like known ones and a lock tells
 * nothing about whether the account exists.
 */
export const lockoutKeys = {
  user: (userId: string) => `user:${userId}`,
  unknownEmail: (tenantId: string, emailKey: string) => `email:${sha256(`${tenantId}\n${emailKey}`)}`,
  address: (address: string) => `address:${address}`,
};

export function lockSeconds(rule: LockoutRule, failures: number): number {
  const doublings = Math.min(failures - rule.maxFailures, 30);
  return Math.min(rule.firstLockSeconds * 2 ** doublings, rule.maxLockSeconds);
}

export interface Locked {
  locked: LockoutKind;
  retryAfterSeconds: number;
}

/** What one attempt took: its counters, and the locks it set ahead of the verdict. */
export interface Reservation {
  held: { kind: LockoutKind; key: string; lockedUntil: number | null }[];
}

/** The tenant's view of an account's counter. */
export interface LockoutState {
  failures: number;
  lockedUntil: number | null;
}

class LockedSignal extends Error {
  constructor(readonly outcome: Locked) {
    super('locked');
  }
}

/** Stale counters go every this many attempts (per process), so unknown addresses do not pile up. */
const SWEEP_EVERY = 256;

export class PasswordLockout {
  #attempts = 0;

  constructor(
    private readonly db: Kysely<Database>,
    readonly rules: LockoutRules = DEFAULT_LOCKOUT,
  ) {}

  /**
   * The account's counter counts the attempt as a failure before the password is looked at, like
   * Kratos's submit counter: concurrent guesses each take a count first, so no more than
   * `maxFailures` of them reach the hash, however many arrive at once. The address's counter only
   * refuses while it is locked: one backend signs many users in at once from one address, so its
   * attempts in flight must not add up to a lock; its failures are counted once known (`failed`).
   * A locked counter refuses the attempt and, as the transaction rolls back, nothing is counted.
   */
  async reserve(keys: Record<LockoutKind, string>, now: number): Promise<Reservation | Locked> {
    if (++this.#attempts % SWEEP_EVERY === 0) await this.sweep(now);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const address = await trx.selectFrom('password_failures').select('locked_until').where('key', '=', keys.address).executeTakeFirst();
        if (address?.locked_until != null && address.locked_until > now) {
          throw new LockedSignal({ locked: 'address', retryAfterSeconds: Math.max(1, Math.ceil((address.locked_until - now) / 1000)) });
        }
        const held: Reservation['held'] = [{ kind: 'address', key: keys.address, lockedUntil: null }];
        for (const [kind, key] of [['account', keys.account]] as const) {
          const rule = this.rules[kind];
          const counted = await trx
            .insertInto('password_failures')
            .values({ key, failures: 1, locked_until: null, updated_at: now })
            .onConflict((conflict) =>
              conflict
                .column('key')
                .doUpdateSet({
                  failures: sql<number>`case when password_failures.updated_at <= ${now - rule.forgetAfterSeconds * 1000} then 1 else password_failures.failures + 1 end`,
                  updated_at: now,
                })
                .where((eb) => eb.or([eb('password_failures.locked_until', 'is', null), eb('password_failures.locked_until', '<=', now)])),
            )
            .returning('failures')
            .executeTakeFirst();
          if (!counted) {
            const row = await trx.selectFrom('password_failures').select('locked_until').where('key', '=', key).executeTakeFirstOrThrow();
            throw new LockedSignal({ locked: kind, retryAfterSeconds: Math.max(1, Math.ceil(((row.locked_until ?? now) - now) / 1000)) });
          }
          let lockedUntil: number | null = null;
          if (counted.failures >= rule.maxFailures) {
            lockedUntil = now + lockSeconds(rule, counted.failures) * 1000;
            await trx.updateTable('password_failures').set({ locked_until: lockedUntil }).where('key', '=', key).execute();
          }
          held.push({ kind, key, lockedUntil });
        }
        return { held };
      });
    } catch (error) {
      if (error instanceof LockedSignal) return error.outcome;
      throw error;
    }
  }

  /**
   * The attempt was right: the account starts again from zero. The address keeps its count, so a
   * guesser cannot clear it with an account of its own.
   */
  async succeeded(reservation: Reservation): Promise<void> {
    for (const { kind, key } of reservation.held) if (kind === 'account') await this.clear(key);
  }

  /** The attempt was wrong: the address counts it, and locks once it has had too many. */
  async failed(reservation: Reservation, now: number): Promise<void> {
    const rule = this.rules.address;
    for (const { kind, key } of reservation.held) {
      if (kind !== 'address') continue;
      const counted = await this.db
        .insertInto('password_failures')
        .values({ key, failures: 1, locked_until: null, updated_at: now })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            failures: sql<number>`case when password_failures.updated_at <= ${now - rule.forgetAfterSeconds * 1000} then 1 else password_failures.failures + 1 end`,
            updated_at: now,
          }),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();
      if (counted.failures >= rule.maxFailures) {
        await this.db.updateTable('password_failures').set({ locked_until: now + lockSeconds(rule, counted.failures) * 1000 }).where('key', '=', key).execute();
      }
    }
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('password_failures').where('key', '=', key).execute();
  }

  /** Counters by key as the tenant sees them: forgotten failures are zero, ended locks null. */
  async states(keys: string[], now: number): Promise<Map<string, LockoutState>> {
    const states = new Map<string, LockoutState>();
    if (keys.length === 0) return states;
    const forgetBefore = now - this.rules.account.forgetAfterSeconds * 1000;
    const rows = await this.db.selectFrom('password_failures').selectAll().where('key', 'in', keys).execute();
    for (const row of rows) {
      const lockedUntil = row.locked_until !== null && row.locked_until > now ? row.locked_until : null;
      states.set(row.key, { failures: row.updated_at <= forgetBefore && lockedUntil === null ? 0 : row.failures, lockedUntil });
    }
    return states;
  }

  /** Deletes counters that are forgotten anyway: no failure for longer than any rule remembers, and no lock. */
  async sweep(now: number): Promise<void> {
    const longest = Math.max(this.rules.account.forgetAfterSeconds, this.rules.address.forgetAfterSeconds) * 1000;
    await this.db
      .deleteFrom('password_failures')
      .where('updated_at', '<=', now - longest)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .execute();
  }
}
