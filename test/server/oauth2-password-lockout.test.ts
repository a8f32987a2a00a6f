import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { DEFAULT_LOCKOUT } from '../../src/server/identity/password-lockout.js';
import { ARGON2ID_PARAMETERS } from '../../src/server/identity/passwords.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import type { OAuthErrorJson, TestClient } from './oauth2-fixtures.js';
import { createTestUser } from './oauth2-fixtures.js';
import { failureRows, freshAddress, GOOD_PASSWORD, passwordBody, passwordClient, sessionCount, tokenRequest, userWithPassword } from './password-fixtures.js';

announceSkips();

const WRONG = 'wrong horse battery staple';
const { maxFailures, firstLockSeconds } = DEFAULT_LOCKOUT.account;

for (const dialect of dialects()) {
  describe(`password sign-in lockout (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    let verify: ReturnType<typeof mock.method>;
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await passwordClient(h);
    });
    after(() => h.close());
    beforeEach(() => {
      verify = mock.method(h.services.passwords.hasher, 'verify');
    });
    afterEach(() => verify.mock.restore());

    const attempt = (email: string, password: string, address = freshAddress()) => tokenRequest(h, passwordBody(client, email, password), { address });
    const userJson = async (id: string) => (await (await h.app.request(`/api/v1/users/${id}`, { headers: { 'x-api-key': h.apiKey } })).json()) as Record<string, unknown>;

    it('lets 1,000 wrong passwords from one client reach no more than the configured number of checks, and refuses the right one until the lock ends', async () => {
      const user = await userWithPassword(h);
      const address = freshAddress();
      const statuses = new Map<number, number>();
      for (let n = 0; n < 1000; n += 1) {
        const response = await attempt(user.email, `${WRONG} ${n}`, address);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.body?.cancel();
      }
      assert.equal(verify.mock.callCount(), maxFailures, 'only the first attempts were hashed');
      assert.deepEqual(Object.fromEntries(statuses), { 400: maxFailures, 429: 1000 - maxFailures });

      const locked = await attempt(user.email, GOOD_PASSWORD, address);
      const body = (await locked.json()) as OAuthErrorJson;
      assert.deepEqual([locked.status, body.error, body.code, locked.headers.get('retry-after')], [429, 'invalid_grant', 'rate_limited', String(firstLockSeconds)]);
      h.clock.advance((firstLockSeconds - 1) * 1000);
      assert.equal((await attempt(user.email, GOOD_PASSWORD, freshAddress())).status, 429, 'another address does not lift the account’s lock');
      assert.equal(verify.mock.callCount(), maxFailures);

      h.clock.advance(1000);
      const signedIn = await attempt(user.email, GOOD_PASSWORD, address);
      assert.equal(signedIn.status, 200, await signedIn.clone().text());
      assert.equal(verify.mock.callCount(), maxFailures + 1);
      assert.deepEqual([(await userJson(user.id))['failed_sign_ins'], (await userJson(user.id))['locked_until']], [0, null], 'a good sign-in resets the account');
    });

    it('doubles the lock with each failure after one ends, and shows the tenant the count and the lock', async () => {
      const user = await userWithPassword(h);
      for (let n = 1; n < maxFailures; n += 1) assert.equal((await attempt(user.email, WRONG)).status, 400);
      assert.deepEqual([(await userJson(user.id))['failed_sign_ins'], (await userJson(user.id))['locked_until']], [maxFailures - 1, null]);
      await attempt(user.email, WRONG);
      const shown = await userJson(user.id);
      assert.deepEqual([shown['failed_sign_ins'], shown['locked_until']], [maxFailures, new Date(h.clock.now + firstLockSeconds * 1000).toISOString()]);
      const listed = (await (await h.app.request(`/api/v1/users?email=${encodeURIComponent(user.email)}`, { headers: { 'x-api-key': h.apiKey } })).json()) as { items: Record<string, unknown>[] };
      assert.equal(listed.items[0]?.['locked_until'], shown['locked_until']);

      for (const lock of [2, 4, 8].map((factor) => factor * firstLockSeconds)) {
        h.clock.advance(3600 * 1000);
        assert.equal((await attempt(user.email, WRONG)).status, 400, 'one check after each lock');
        const refused = await attempt(user.email, GOOD_PASSWORD);
        assert.deepEqual([refused.status, refused.headers.get('retry-after')], [429, String(lock)]);
      }
      assert.equal(verify.mock.callCount(), maxFailures + 3);
    });

    it('lets concurrent guesses reach the hash no more often than sequential ones', async () => {
      const user = await userWithPassword(h);
      const answers = await Promise.all(Array.from({ length: 3 * maxFailures }, (_, n) => attempt(user.email, `${WRONG} ${n}`)));
      assert.equal(verify.mock.callCount() <= maxFailures, true, `${verify.mock.callCount()} checks`);
      assert.equal(answers.filter((response) => response.status === 429).length >= 2 * maxFailures, true);
    });

    it('checks an unknown user, and one without a password, against a dummy hash: one verification each, and locks them alike', async () => {
      const passwordless = await createTestUser(h);
      for (const email of ['nobody@acme.test', passwordless.email]) {
        verify.mock.resetCalls();
        assert.equal((await attempt(email, GOOD_PASSWORD)).status, 400);
        assert.equal(verify.mock.callCount(), 1);
        const [storedHash, password] = verify.mock.calls[0]?.arguments as [string, string];
        assert.equal(password, GOOD_PASSWORD);
        assert.match(storedHash, new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2ID_PARAMETERS.memoryCost},t=${ARGON2ID_PARAMETERS.timeCost},p=${ARGON2ID_PARAMETERS.parallelism}\\$`));
        for (let n = 1; n < maxFailures; n += 1) await attempt(email, WRONG);
        assert.equal((await attempt(email, WRONG)).status, 429, `${email} locks as a real account does`);
      }
      assert.equal((await failureRows(h)).some((row) => row.key.includes('nobody')), false, 'unknown addresses are stored hashed');
    });

    it('locks a client address that fails across many accounts, without counting its successes, and leaves other addresses alone', async () => {
      const address = freshAddress();
      const { maxFailures: perAddress } = DEFAULT_LOCKOUT.address;
      const mine = await userWithPassword(h);
      for (let n = 0; n < perAddress - 1; n += 1) assert.equal((await attempt(`victim${n}@acme.test`, WRONG, address)).status, 400);
      assert.equal((await attempt(mine.email, GOOD_PASSWORD, address)).status, 200, 'a success neither counts nor clears the address');
      assert.equal((await attempt('victim-last@acme.test', WRONG, address)).status, 400);
      const refused = await attempt(mine.email, GOOD_PASSWORD, address);
      const body = (await refused.json()) as OAuthErrorJson;
      assert.deepEqual([refused.status, body.code, refused.headers.get('retry-after')], [429, 'rate_limited', String(DEFAULT_LOCKOUT.address.firstLockSeconds)]);
      assert.match(body.error_description, /your address/);
      assert.equal((await attempt(mine.email, GOOD_PASSWORD)).status, 200, 'another address signs in');
    });

    it('signs many users in at once from one address (a host backend) without locking the address', async () => {
      const address = freshAddress();
      const users = await Promise.all(Array.from({ length: DEFAULT_LOCKOUT.address.maxFailures * 2 }, () => userWithPassword(h)));
      const answers = await Promise.all(users.map((user) => attempt(user.email, GOOD_PASSWORD, address)));
      assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [200]);
    });

    it('refuses a locked attempt without changing anything', async () => {
      const user = await userWithPassword(h);
      for (let n = 0; n < maxFailures; n += 1) await attempt(user.email, WRONG);
      const [failures, sessions] = [await failureRows(h), await sessionCount(h)];
      verify.mock.resetCalls();
      assert.equal((await attempt(user.email, GOOD_PASSWORD)).status, 429);
      assert.deepEqual([await failureRows(h), await sessionCount(h), verify.mock.callCount()], [failures, sessions, 0]);
    });

    it('lifts the lock when the tenant sets a new password', async () => {
      const user = await userWithPassword(h);
      for (let n = 0; n < maxFailures; n += 1) await attempt(user.email, WRONG);
      const put = await h.app.request(`/api/v1/users/${user.id}/password`, { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'a brand new horse stable' }) });
      assert.equal(put.status, 204);
      assert.deepEqual([(await userJson(user.id))['failed_sign_ins'], (await userJson(user.id))['locked_until']], [0, null]);
      assert.equal((await attempt(user.email, 'a brand new horse stable')).status, 200);
    });
  });
}
