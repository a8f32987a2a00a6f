import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { ServerWordKey } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { english, messageRef } from '../i18n/words.js';
import type { Store } from '../store/database.js';

/**
 * What is limited. Guesses at secrets are counted per client address (and per account for MFA);
 * a 256-bit token cannot be guessed, so for those only failures are counted, while short codes
 * (pairing codes, MFA codes) are also checked before the guess is looked at.
 */
export const LIMIT_NAMES = ['api_key_failures', 'link_token_failures', 'flow_open', 'pairing_code_failures', 'mfa_code_failures', 'mfa_account_failures', 'client_auth_failures', 'mfa_session_failures', 'mfa_user_failures', 'uid_failures', 'uid_user_failures', 'message_token_failures', 'message_signin_failures'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface LimitRule {
  /** Events allowed within `seconds`. */
  points: number;
  seconds: number;
  /** How long a key that went over stays refused. */
  blockSeconds: number;
}

export type LimitRules = Record<LimitName, LimitRule>;

export const DEFAULT_LIMITS: LimitRules = {
  api_key_failures: { points: 20, seconds: 60, blockSeconds: 300 },
  link_token_failures: { points: 20, seconds: 60, blockSeconds: 300 },
  flow_open: { points: 60, seconds: 60, blockSeconds: 60 },
  pairing_code_failures: { points: 10, seconds: 300, blockSeconds: 900 },
  mfa_code_failures: { points: 20, seconds: 900, blockSeconds: 900 },
  mfa_account_failures: { points: 10, seconds: 900, blockSeconds: 900 },
  client_auth_failures: { points: 20, seconds: 60, blockSeconds: 300 },
  mfa_session_failures: { points: 5, seconds: 900, blockSeconds: 900 },
  mfa_user_failures: { points: 10, seconds: 900, blockSeconds: 900 },
  uid_failures: { points: 30, seconds: 900, blockSeconds: 900 },
  uid_user_failures: { points: 10, seconds: 900, blockSeconds: 900 },
  message_token_failures: { points: 30, seconds: 60, blockSeconds: 300 },
  message_signin_failures: { points: 20, seconds: 60, blockSeconds: 300 },
};

/**
 * `KEYWAY_RATE_LIMITS`: `off`, or changes to the defaults such as
 * `flow_open=120/60,pairing_code_failures=5/300/1800` (points/seconds[/block seconds]).
 */
export function parseLimitRules(value: string | undefined): LimitRules | 'off' {
  if (value === undefined || value.trim() === '') return DEFAULT_LIMITS;
  if (value.trim() === 'off') return 'off';
  const rules: LimitRules = { ...DEFAULT_LIMITS };
  for (const part of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([a-z_]+)=(\d{1,7})\/(\d{1,7})(?:\/(\d{1,7}))?$/.exec(part);
    const name = match?.[1] as LimitName | undefined;
    if (!match || !name || !LIMIT_NAMES.includes(name)) {
      throw new Error(`KEYWAY_RATE_LIMITS: "${part}" is not name=points/seconds[/blockSeconds] with a name among ${LIMIT_NAMES.join(', ')}`);
    }
    const [points, seconds] = [Number(match[2]), Number(match[3])];
    if (points < 1 || seconds < 1) throw new Error(`KEYWAY_RATE_LIMITS: "${part}" needs at least 1 point and 1 second`);
    rules[name] = { points, seconds, blockSeconds: match[4] === undefined ? seconds : Number(match[4]) };
  }
  return rules;
}

const MESSAGES: Record<LimitName, string> = {
  api_key_failures: 'Too many requests with a wrong API key from your address.',
  link_token_failures: 'Too many links that do not work were tried from your address.',
  flow_open: 'Too many links were opened from your address.',
  pairing_code_failures: 'Too many wrong pairing codes were typed from your address.',
  mfa_code_failures: 'Too many wrong codes were entered from your address.',
  mfa_account_failures: 'Too many wrong codes were entered for this account.',
  client_auth_failures: 'Too many requests with wrong OAuth client credentials from your address.',
  mfa_session_failures: 'Too many wrong MFA codes were entered in this session.',
  mfa_user_failures: 'Too many wrong MFA codes were entered for this user.',
  uid_failures: 'Too many user tokens with a wrong uid were asked for from your address.',
  uid_user_failures: 'Too many user tokens with a wrong uid were asked for this user.',
  message_token_failures: 'Too many message tokens that name no message of yours were looked up with this API key.',
  message_signin_failures: 'Too many message tokens that do not sign in were tried.',
};

/** The limits a wizard's user can run into; their message carries a key, so the wizard shows it in the user's language. */
const WIZARD_LIMIT_WORDS: Partial<Record<LimitName, ServerWordKey>> = {
  flow_open: 'limit.flow_open',
  link_token_failures: 'limit.link_token_failures',
  mfa_code_failures: 'limit.mfa_code_failures',
  mfa_account_failures: 'limit.mfa_account_failures',
};

export class RateLimitedError extends ApiError {
  constructor(name: LimitName, retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    const details = { limit: name, retryAfter: Math.ceil(retryAfterSeconds) };
    const key = WIZARD_LIMIT_WORDS[name];
    if (key) {
      super(429, 'rate_limited', english(key, { minutes }), details, retryAfterSeconds, messageRef(key, { minutes }));
      return;
    }
    const wait = retryAfterSeconds < 90 ? `${Math.ceil(retryAfterSeconds)} seconds` : `${minutes} minutes`;
    super(429, 'rate_limited', `${MESSAGES[name]} Try again in ${wait}.`, details, retryAfterSeconds);
  }
}

/** Counters in the database, so every instance on it shares them; nothing else needs to run. */
export class RateLimits {
  readonly #limiters = new Map<LimitName, { limiter: RateLimiterStoreAbstract; rule: LimitRule }>();

  constructor(store: Store, rules: LimitRules | 'off') {
    if (rules === 'off') return;
    for (const name of LIMIT_NAMES) {
      const rule = rules[name];
      const common = {
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: name,
        points: rule.points,
        duration: rule.seconds,
        blockDuration: rule.blockSeconds,
        // A key that went over is refused from memory until its block ends: a flood costs no writes.
        inMemoryBlockOnConsumed: rule.points + 1,
        inMemoryBlockDuration: rule.blockSeconds,
      };
      const limiter =
        store.native.dialect === 'sqlite'
          ? new RateLimiterSQLite({ ...common, storeClient: store.native.database, storeType: 'better-sqlite3' })
          : new RateLimiterPostgres({ ...common, storeClient: store.native.pool, storeType: 'pool' });
      this.#limiters.set(name, { limiter, rule });
    }
  }

  get enabled(): boolean {
    return this.#limiters.size > 0;
  }

  /** Throws 429 when `key` has used up its limit; counts nothing. For short secrets, before the guess is checked. */
  async check(name: LimitName, key: string): Promise<void> {
    const entry = this.#limiters.get(name);
    if (!entry) return;
    const state = await entry.limiter.get(key);
    if (state && state.consumedPoints >= entry.rule.points) throw new RateLimitedError(name, state.msBeforeNext / 1000);
  }

  /** Counts one event for `key`; answers the 429 to send when this one went over the limit (the caller decides when). */
  async count(name: LimitName, key: string): Promise<RateLimitedError | undefined> {
    const entry = this.#limiters.get(name);
    if (!entry) return undefined;
    try {
      await entry.limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return new RateLimitedError(name, rejection.msBeforeNext / 1000);
      throw rejection;
    }
  }

  /** Takes back one event counted for `key`: an attempt counted before its check that turned out right. */
  async refund(name: LimitName, key: string): Promise<void> {
    await this.#limiters.get(name)?.limiter.reward(key, 1);
  }

  /** Counts one event and throws the 429 at once when it went over. */
  async consume(name: LimitName, key: string): Promise<void> {
    const over = await this.count(name, key);
    if (over) throw over;
  }
}
