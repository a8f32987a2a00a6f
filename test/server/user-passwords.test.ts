import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMON_PASSWORDS } from '../../src/server/identity/common-passwords.js';
import { lockSeconds, DEFAULT_LOCKOUT } from '../../src/server/identity/password-lockout.js';
import { argon2idHasher, passwordProblem, type PasswordRule } from '../../src/server/identity/passwords.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { createTestUser, refresh, signIn, type TestClient } from './oauth2-fixtures.js';
import { GOOD_PASSWORD, passwordBody, passwordClient, tokenRequest } from './password-fixtures.js';

announceSkips();

type ErrorJson = { error: { code: string; message: string; details?: { field?: string; rule?: string } } };

describe('password policy', () => {
  const email = 'jane.doe@acme.test';
  const cases: [string, PasswordRule | undefined][] = [
    ['short pass', 'min_length'],
    ['x'.repeat(257), 'max_length'],
    ['🐴'.repeat(11), 'min_length'],
    ['1234567890qwerty', 'common'],
    ['correcthorsecorrecthorse', 'repetitive'],
    ['password1234', 'common'],
    ['!!Password2024!!', 'common'],
    ['P@ssw0rd123456', 'common'],
    ['baseballbaseball', 'repetitive'],
    ['aaaaaaaaaaaaaaaa', 'repetitive'],
    ['123456789012', 'repetitive'],
    ['abcdefghijklmnop', 'repetitive'],
    ['ponmlkjihgfedcba', 'repetitive'],
    ['my jane.doe@acme.test pw', 'contains_email'],
    ['JANE.DOE was here 42', 'contains_email'],
    [GOOD_PASSWORD, undefined],
    ['Tr0ub4dor&3 horse', undefined],
  ];
  for (const [password, rule] of cases) {
    it(`${rule ?? 'allows'}: ${password.slice(0, 24)}`, () => assert.equal(passwordProblem(password, { email })?.rule, rule));
  }

  it('ships 1,000 common passwords, lower-case, without blanks', () => {
    assert.equal(COMMON_PASSWORDS.size, 1000);
    for (const entry of COMMON_PASSWORDS) assert.match(entry, /^[^\sA-Z]+$/);
  });

  it('locks for longer after each failure past the limit, up to the cap', () => {
    const rule = DEFAULT_LOCKOUT.account;
    assert.deepEqual([5, 6, 7, 10, 11, 40].map((failures) => lockSeconds(rule, failures)), [60, 120, 240, 1920, 3600, 3600]);
  });
});

describe('argon2id hashing', () => {
  const hasher = argon2idHasher();

  it('stores a PHC string at OWASP’s parameters that verifies the password, and only it, after NFKC', async () => {
    const stored = await hasher.hash('ﬁlm noir ﬁnale');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await hasher.verify(stored, 'film noir finale'), true, 'the ligature and its letters are one password');
    assert.equal(await hasher.verify(stored, 'film noir finalE'), false);
    assert.equal(await hasher.verify('not a hash', 'film noir finale'), false);
    assert.equal(hasher.needsRehash(stored), false);
  });

  it('asks for a rehash of a hash made with other parameters', async () => {
    const weaker = await argon2idHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }).hash(GOOD_PASSWORD);
    assert.equal(hasher.needsRehash(weaker), true);
    assert.equal(await hasher.verify(weaker, GOOD_PASSWORD), true, 'an old hash still verifies');
    assert.equal(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv'), true);
  });
});

for (const dialect of dialects()) {
  describe(`PUT and DELETE /api/v1/users/{id}/password (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await passwordClient(h, ['authorization_code', 'password', 'refresh_token']);
    });
    after(() => h.close());

    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      Promise.resolve(h.app.request(path, { method, headers: { 'x-api-key': h.apiKey, ...headers }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) }));
    const row = (id: string) => h.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('sets a password (204): has_password turns true, only an argon2id hash is stored, and nothing shows it', async () => {
      const user = await createTestUser(h);
      h.clock.advance(1000);
      const response = await call('PUT', `/api/v1/users/${user.id}/password`, { password: GOOD_PASSWORD });
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
      const stored = await row(user.id);
      assert.match(stored.password_hash ?? '', /^\$argon2id\$/);
      assert.deepEqual([stored.has_password, stored.updated_at], [1, h.clock.now]);
      const shown = await (await call('GET', `/api/v1/users/${user.id}`)).text();
      const listed = await (await call('GET', `/api/v1/users?email=${encodeURIComponent(user.email)}`)).text();
      assert.equal(JSON.parse(shown).has_password, true);
      for (const body of [shown, listed]) assert.equal(body.includes('argon2') || body.includes(GOOD_PASSWORD) || body.includes('password_hash'), false);
      const signedIn = await tokenRequest(h, passwordBody(client, user.email, GOOD_PASSWORD));
      assert.equal(signedIn.status, 200);
      assert.equal((await signedIn.text()).includes('argon2'), false);
    });

    it('answers a policy violation with 422 naming the rule, and changes nothing', async () => {
      const user = await createTestUser(h);
      for (const [password, rule] of [['too short', 'min_length'], ['password12345', 'common'], [`${user.email}!!`, 'contains_email']] as const) {
        const response = await call('PUT', `/api/v1/users/${user.id}/password`, { password });
        const body = (await response.json()) as ErrorJson;
        assert.deepEqual([response.status, body.error.code, body.error.details], [422, 'password_rejected', { field: 'password', rule }]);
        assert.equal(body.error.message.includes(password), false, 'the message does not repeat the password');
      }
      const stored = await row(user.id);
      assert.deepEqual([stored.password_hash, stored.has_password, stored.updated_at], [null, 0, user.updated_at]);
    });

    it('refuses bad bodies, other tenants’ users and missing API keys with a clear 4xx', async () => {
      const user = await createTestUser(h);
      const path = `/api/v1/users/${user.id}/password`;
      assert.equal((await call('PUT', path, { password: 42 })).status, 422);
      assert.equal((await call('PUT', path, { password: GOOD_PASSWORD, extra: 1 })).status, 422);
      assert.equal((await call('PUT', path, {})).status, 422);
      assert.equal((await call('PUT', path, { password: 'x'.repeat(1025) })).status, 422);
      assert.equal((await call('PUT', path, '{"password":', { 'content-type': 'application/json' })).status, 400);
      assert.equal((await call('PUT', path, `password=${GOOD_PASSWORD}`, { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
      assert.equal((await call('PUT', '/api/v1/users/no-such-user/password', { password: GOOD_PASSWORD })).status, 404);
      assert.equal((await call('DELETE', '/api/v1/users/no-such-user/password')).status, 404);
      const anonymous = await h.app.request(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: GOOD_PASSWORD }) });
      assert.equal(anonymous.status, 401);
      assert.deepEqual([(await row(user.id)).has_password, (await row(user.id)).password_hash], [0, null]);
    });

    it('ends every session of the user when a password is set', async () => {
      const user = await createTestUser(h);
      const session = await signIn(h, { user, client });
      assert.equal((await call('PUT', `/api/v1/users/${user.id}/password`, { password: GOOD_PASSWORD })).status, 204);
      const refused = await refresh(h, client, session.refresh_token ?? '');
      assert.equal(refused.status, 400);
      const families = await h.store.db.selectFrom('token_families').select('revoked_reason').where('user_id', '=', user.id).execute();
      assert.deepEqual(families.map((family) => family.revoked_reason), ['password_changed']);
    });

    it('removes a password (204): has_password false, and password sign-in refused', async () => {
      const user = await createTestUser(h);
      await call('PUT', `/api/v1/users/${user.id}/password`, { password: GOOD_PASSWORD });
      const response = await call('DELETE', `/api/v1/users/${user.id}/password`);
      assert.equal(response.status, 204);
      assert.deepEqual([(await row(user.id)).has_password, (await row(user.id)).password_hash], [0, null]);
      assert.equal((await tokenRequest(h, passwordBody(client, user.email, GOOD_PASSWORD))).status, 400);
    });

    it('rehashes a password stored with older parameters at its next good sign-in', async () => {
      const user = await createTestUser(h);
      const weaker = await argon2idHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }).hash(GOOD_PASSWORD);
      await h.store.db.updateTable('users').set({ password_hash: weaker, has_password: 1 }).where('id', '=', user.id).execute();
      assert.equal((await tokenRequest(h, passwordBody(client, user.email, GOOD_PASSWORD))).status, 200);
      const stored = (await row(user.id)).password_hash ?? '';
      assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal(h.services.passwords.hasher.needsRehash(stored), false);
    });
  });
}
