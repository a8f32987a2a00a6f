import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIMITS, RateLimits, type LimitRules } from '../../src/server/security/rate-limits.js';
import type { UserTable } from '../../src/server/store/schema.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { codeAt, enableMfa, expectError, setup, secretOf, validate, verify, wrongCodeAt, type UserJson } from './mfa-fixtures.js';
import { bearer, createTestUser, registerClient, signIn, type TestClient } from './oauth2-fixtures.js';

announceSkips();

const WRONG_CODES = 1000;
const BATCH = 50;

/** The limits the API answers by, swapped in for a test (routes read them per request). */
function useLimits(h: Harness, changes: Partial<LimitRules>): void {
  h.services.limits = new RateLimits(h.store, { ...DEFAULT_LIMITS, ...changes });
}

/** Counts the code checks the server makes: every check opens the sealed secret once. */
function countChecks(h: Harness): { readonly count: number; restore(): void } {
  const { sealer } = h.services;
  const open = sealer.open.bind(sealer);
  let count = 0;
  sealer.open = (sealed: string) => {
    count += 1;
    return open(sealed);
  };
  return {
    get count() {
      return count;
    },
    restore: () => {
      sealer.open = open;
    },
  };
}

async function assertLimited(response: Response, limit: string): Promise<void> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const body = await expectError(response, 429, 'rate_limited');
  assert.equal(body.error.details?.['limit'], limit);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After is whole seconds (${response.headers.get('retry-after')})`);
}

for (const dialect of dialects()) {
  describe(`MFA API attempt limits per session and user (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    let user: UserTable;
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await registerClient(h);
    });
    beforeEach(async () => {
      useLimits(h, {});
      user = await createTestUser(h);
    });
    after(() => h.close());

    it(`${WRONG_CODES} wrong codes from one session, ${BATCH} at a time, get no more checks than the session's limit; the right code is then refused too`, async () => {
      const mfa = await enableMfa(h, { user, client });
      const attacker = await signIn(h, { user, client });
      const { points } = DEFAULT_LIMITS.mfa_session_failures;
      const checks = countChecks(h);
      const statuses = new Map<number, number>();
      try {
        for (let sent = 0; sent < WRONG_CODES; sent += BATCH) {
          const batch = Array.from({ length: BATCH }, (_, n) => validate(h, attacker.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now, sent + n) }));
          for (const response of await Promise.all(batch)) {
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            await response.body?.cancel();
          }
        }
        assert.equal(checks.count, points, 'checks made');
        assert.deepEqual(Object.fromEntries(statuses), { 400: points, 429: WRONG_CODES - points });
        await assertLimited(await validate(h, attacker.access_token, { token: codeAt(mfa.secret, h.clock.now) }), 'mfa_session_failures');
        await assertLimited(await validate(h, attacker.access_token, { recovery_code: mfa.recoveryCodes[0] }), 'mfa_session_failures');
        assert.equal(checks.count, points, 'no check while blocked');
      } finally {
        checks.restore();
      }
      assert.equal((await bearer(h.app, '/users/self', attacker.access_token)).status, 401);
      // The user's own validated session is not blocked by the attacker's.
      assert.equal((await bearer(h.app, '/users/self', mfa.tokens.access_token)).status, 200);
    });

    it('counts per user across sessions: new sessions do not buy more guesses', async () => {
      const mfa = await enableMfa(h, { user, client });
      const { points: perUser } = DEFAULT_LIMITS.mfa_user_failures;
      const { points: perSession } = DEFAULT_LIMITS.mfa_session_failures;
      let wrong = 0;
      while (wrong < perUser) {
        const session = await signIn(h, { user, client });
        for (let n = 0; n < perSession && wrong < perUser; n += 1, wrong += 1) {
          await expectError(await validate(h, session.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now, wrong) }), 400, 'mfa_code_invalid');
        }
      }
      const next = await signIn(h, { user, client });
      await assertLimited(await validate(h, next.access_token, { token: codeAt(mfa.secret, h.clock.now) }), 'mfa_user_failures');
    });

    it('right codes are not counted as failures', async () => {
      const mfa = await enableMfa(h, { user, client });
      const session = await signIn(h, { user, client });
      const { points } = DEFAULT_LIMITS.mfa_session_failures;
      for (let n = 0; n < points - 1; n += 1) await expectError(await validate(h, session.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now, n) }), 400, 'mfa_code_invalid');
      assert.equal((await validate(h, session.access_token, { token: codeAt(mfa.secret, h.clock.now) })).status, 204);
      await expectError(await validate(h, session.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now, 99) }), 400, 'mfa_code_invalid');
      await assertLimited(await validate(h, session.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now, 98) }), 'mfa_session_failures');
    });

    it('limits verify as well, and a right code after the lock is refused until the lock ends', async () => {
      useLimits(h, { mfa_session_failures: { points: 3, seconds: 2, blockSeconds: 2 } });
      const tokens = await signIn(h, { user, client });
      const secret = secretOf(String(((await (await setup(h, tokens.access_token)).json()) as UserJson).data['mfa_url']));
      for (let n = 0; n < 3; n += 1) await expectError(await verify(h, tokens.access_token, { token: wrongCodeAt(secret, h.clock.now, n) }), 400, 'mfa_code_invalid');
      await assertLimited(await verify(h, tokens.access_token, { token: codeAt(secret, h.clock.now) }), 'mfa_session_failures');
      const row = await h.store.db.selectFrom('users').select('mfa_enabled').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(row.mfa_enabled, 0, 'nothing enabled while blocked');
      await sleep(2_300);
      const verified = await verify(h, tokens.access_token, { token: codeAt(secret, h.clock.now) });
      assert.equal(verified.status, 200);
    });
  });
}
