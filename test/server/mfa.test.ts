import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createApp } from '../../src/server/app.js';
import { deleteUser } from '../../src/server/identity/users.js';
import type { UserTable } from '../../src/server/store/schema.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { bearer, createTestUser, jwtPart, postForm, refresh, registerClient, signIn, withSecret, type TestClient, type TokenJson } from './oauth2-fixtures.js';
import { call, codeAt, enableMfa, expectError, removeMfa, secretOf, setup, validate, verify, wrongCodeAt, type UserJson } from './mfa-fixtures.js';

announceSkips();

/** Every field of the user in seed 001's setup answer: Keyway sends a subset of these. */
const SEED_SETUP_FIELDS = new Set(
  'type username first_name last_name email phone_number created_at id address_id cover_image_url profile_image_url updated_at user_status profile_image_thumbnail_url cover_image_thumbnail_url email_confirmed timezone user_type deleted_at phone_confirmed is_shadow personal_room brand fake_email features last_seen_at email_signature daily_enabled email_quota website instagram twitter linkedin youtube facebook designation tiktok mfa_enabled xpressdocs_user_id current_time push_allowed agents last_seen_type active_brand display_name abbreviated_display_name online_state mfa_url mfa_qr_code has_password'.split(' '),
);
/** The types seed 001 shows for the fields Keyway fills (nullable ones may also be null). */
const SEED_TYPES: Record<string, string> = { type: 'string', id: 'string', email: 'string', first_name: 'string', last_name: 'string', display_name: 'string', user_type: 'string', user_status: 'string', email_confirmed: 'boolean', mfa_enabled: 'boolean', has_password: 'boolean', created_at: 'number', updated_at: 'number', mfa_url: 'string', mfa_qr_code: 'string' };

function assertSeedShape(body: UserJson, extra: string[] = []): void {
  assert.equal(body.code, 'OK');
  assert.deepEqual(Object.keys(body).sort(), ['code', 'data']);
  for (const [key, value] of Object.entries(body.data)) {
    if (extra.includes(key)) continue;
    assert.ok(SEED_SETUP_FIELDS.has(key), `${key} is one of seed 001's user fields`);
    if (value !== null && SEED_TYPES[key]) assert.equal(typeof value, SEED_TYPES[key], `${key} has the seed's type`);
  }
}

const MFA_REQUIRED = { error: { code: 'mfa_required', message: 'MFA required' } };

for (const dialect of dialects()) {
  describe(`MFA API: setup and verify (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await registerClient(h);
    });
    after(() => h.close());

    const newIdentity = async () => ({ user: await createTestUser(h), client });

    it('setup, sent as seed 001 sends it (no body), answers the user with the otpauth URI and a QR code, MFA not yet enabled', async () => {
      const id = await newIdentity();
      const { access_token } = await signIn(h, id);
      const response = await h.app.request('/users/self/mfa/setup', { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as UserJson;
      assertSeedShape(body);
      assert.equal(body.data['mfa_enabled'], false);
      assert.equal(body.data['id'], id.user.id);
      const email = encodeURIComponent(id.user.email);
      assert.match(String(body.data['mfa_url']), new RegExp(`^otpauth://totp/Keyway:${email}\\?issuer=Keyway&secret=[A-Z2-7]{32}&algorithm=SHA1&digits=6&period=30$`));
      const png = Buffer.from(String(body.data['mfa_qr_code']).replace(/^data:image\/png;base64,/, ''), 'base64');
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the QR code is a PNG data: URL');
      const user = await h.store.db.selectFrom('users').select('mfa_enabled').where('id', '=', id.user.id).executeTakeFirstOrThrow();
      assert.equal(user.mfa_enabled, 0);
    });

    it('names the tenant’s brand as issuer, and keeps the secret only sealed', async () => {
      const brand = (method: string, body?: object) =>
        h.app.request('/api/v1/brand', { method, headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, ...(body ? { body: JSON.stringify(body) } : {}) });
      assert.equal((await brand('PUT', { name: 'Acme CRM' })).status, 200);
      try {
        const id = await newIdentity();
        const { access_token } = await signIn(h, id);
        const url = String(((await (await setup(h, access_token)).json()) as UserJson).data['mfa_url']);
        assert.ok(url.startsWith(`otpauth://totp/Acme%20CRM:${encodeURIComponent(id.user.email)}?issuer=Acme%20CRM&secret=`), url);
        const row = await h.store.db.selectFrom('mfa_factors').selectAll().where('user_id', '=', id.user.id).executeTakeFirstOrThrow();
        assert.match(row.sealed_secret, /^v1\./);
        assert.ok(!row.sealed_secret.includes(secretOf(url)));
        assert.equal(h.services.sealer.open(row.sealed_secret), secretOf(url));
      } finally {
        await brand('DELETE');
      }
    });

    it('verify with the seed’s body enables MFA, validates this session and issues ten recovery codes, stored hashed', async () => {
      const id = await newIdentity();
      const tokens = await signIn(h, id);
      const secret = secretOf(String(((await (await setup(h, tokens.access_token)).json()) as UserJson).data['mfa_url']));
      // Seed 001's request text, with the code the app shows now in place of the seed's.
      const response = await verify(h, tokens.access_token, `{\n  "token": "${codeAt(secret, h.clock.now)}"\n}`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as UserJson;
      assertSeedShape(body, ['recovery_codes']);
      assert.equal(body.data['mfa_enabled'], true);
      const codes = body.data['recovery_codes'] as string[];
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
      const stored = await h.store.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', id.user.id).execute();
      assert.equal(stored.length, 10);
      assert.ok(stored.every(({ code_hash }) => /^[0-9a-f]{64}$/.test(code_hash) && !codes.some((code) => code_hash.includes(code.replace(/-/g, '')))));
      // The session that verified is validated: the same access token keeps working.
      const self = (await (await bearer(h.app, '/users/self', tokens.access_token)).json()) as UserJson;
      assert.equal(self.data['mfa_enabled'], true);
    });

    it('refuses a malformed code with 422 before anything is counted or changed', async () => {
      const id = await newIdentity();
      const { access_token } = await signIn(h, id);
      await setup(h, access_token);
      const limitRows = async () => (await h.store.db.selectFrom('rate_limits').selectAll().execute()).length;
      const before = await limitRows();
      for (const body of [{ token: '12345' }, { token: '1234567' }, { token: '12a456' }, { token: 123456 }, {}, { token: '123456', extra: 1 }, '{"token":']) {
        const response = await verify(h, access_token, body);
        assert.ok(response.status === 422 || response.status === 400, `${JSON.stringify(body)} answered ${response.status}`);
        const error = (await response.json()) as { error: { code: string } };
        assert.ok(['invalid_request', 'invalid_json'].includes(error.error.code));
      }
      assert.match((await expectError(await verify(h, access_token, { token: '12a456' }), 422, 'invalid_request')).error.message, /6-digit code/);
      assert.equal(await limitRows(), before);
      assert.equal((await h.store.db.selectFrom('users').select('mfa_enabled').where('id', '=', id.user.id).executeTakeFirstOrThrow()).mfa_enabled, 0);
    });

    it('refuses verify without setup, a wrong code, and a code of a setup that was replaced', async () => {
      const id = await newIdentity();
      const { access_token } = await signIn(h, id);
      await expectError(await verify(h, access_token, { token: '123456' }), 409, 'mfa_not_set_up');
      const first = secretOf(String(((await (await setup(h, access_token)).json()) as UserJson).data['mfa_url']));
      await expectError(await verify(h, access_token, { token: wrongCodeAt(first, h.clock.now) }), 400, 'mfa_code_invalid');
      const second = secretOf(String(((await (await setup(h, access_token)).json()) as UserJson).data['mfa_url']));
      assert.notEqual(first, second);
      if (codeAt(first, h.clock.now) !== codeAt(second, h.clock.now)) {
        await expectError(await verify(h, access_token, { token: codeAt(first, h.clock.now) }), 400, 'mfa_code_invalid');
      }
      assert.equal((await h.store.db.selectFrom('users').select('mfa_enabled').where('id', '=', id.user.id).executeTakeFirstOrThrow()).mfa_enabled, 0);
      assert.equal((await verify(h, access_token, { token: codeAt(second, h.clock.now) })).status, 200);
    });

    it('will not set up or verify again once MFA is enabled', async () => {
      const id = await newIdentity();
      const mfa = await enableMfa(h, id);
      await expectError(await setup(h, mfa.tokens.access_token), 409, 'mfa_already_enabled');
      await expectError(await verify(h, mfa.tokens.access_token, { token: codeAt(mfa.secret, h.clock.now) }), 409, 'mfa_already_enabled');
      const row = await h.store.db.selectFrom('mfa_factors').select('sealed_secret').where('user_id', '=', id.user.id).executeTakeFirstOrThrow();
      assert.equal(h.services.sealer.open(row.sealed_secret), mfa.secret);
    });

    it('deleting a user removes its factor and recovery codes too', async () => {
      const id = await newIdentity();
      await enableMfa(h, id);
      await deleteUser(h.store.db, h.tenantId, id.user.id, h.clock.now);
      assert.equal((await h.store.db.selectFrom('mfa_factors').selectAll().where('user_id', '=', id.user.id).execute()).length, 0);
      assert.equal((await h.store.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', id.user.id).execute()).length, 0);
    });
  });

  describe(`MFA API: the gate, validate and delete (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    let id: { user: UserTable; client: TestClient };
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await registerClient(h);
    });
    // Each case starts from a user of its own, without MFA.
    beforeEach(async () => {
      id = { user: await createTestUser(h), client };
    });
    after(() => h.close());

    const introspect = async (token: string) => (await (await postForm(h.app, '/oauth2/introspect', withSecret(client, { token }))).json()) as Record<string, unknown>;

    it('a user without MFA gets tokens that say mfa "none"', async () => {
      const tokens = await signIn(h, id);
      assert.equal(jwtPart(tokens.access_token, 1)['mfa'], 'none');
      assert.equal((await introspect(tokens.access_token))['mfa'], 'none');
      assert.equal((await bearer(h.app, '/users/self', tokens.access_token)).status, 200);
    });

    it('a new session of an MFA user answers 401 "MFA required" everywhere under /users/self but validate; the token and introspection say so', async () => {
      const mfa = await enableMfa(h, id);
      assert.equal(jwtPart(mfa.tokens.access_token, 1)['mfa'], 'none', 'minted before MFA was enabled');
      assert.equal((await introspect(mfa.tokens.access_token))['mfa'], 'validated', 'introspection reads the session');
      const fresh = await signIn(h, id);
      assert.equal(jwtPart(fresh.access_token, 1)['mfa'], 'required');
      assert.equal((await introspect(fresh.access_token))['mfa'], 'required');
      assert.equal((await introspect(fresh.refresh_token ?? ''))['mfa'], 'required');
      const refused = [
        await bearer(h.app, '/users/self', fresh.access_token),
        await setup(h, fresh.access_token),
        await verify(h, fresh.access_token, { token: codeAt(mfa.secret, h.clock.now) }),
        await removeMfa(h, fresh.access_token, { token: codeAt(mfa.secret, h.clock.now) }),
        await call(h.app, 'GET', '/users/self/anything', fresh.access_token),
        await bearer(h.app, '/oauth2/userinfo', fresh.access_token),
      ];
      for (const response of refused) {
        assert.equal(response.status, 401, response.url);
        assert.deepEqual(await response.json(), MFA_REQUIRED);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="keyway", error="insufficient_user_authentication", error_description="MFA required"');
      }
      assert.equal((await bearer(h.app, '/users/self', mfa.tokens.access_token)).status, 200, 'the session that verified stays validated');
      // A refresh keeps the session's state: still required.
      const refreshed = (await (await refresh(h, id.client, fresh.refresh_token ?? '')).json()) as TokenJson;
      assert.equal(jwtPart(refreshed.access_token, 1)['mfa'], 'required');
      assert.equal((await bearer(h.app, '/users/self', refreshed.access_token)).status, 401);
    });

    it('validate (seed body) answers 204 and validates the session: its old token passes, refreshed tokens say validated', async () => {
      const mfa = await enableMfa(h, id);
      const fresh = await signIn(h, id);
      const response = await validate(h, fresh.access_token, `{\n  "token": "${codeAt(mfa.secret, h.clock.now)}"\n}`);
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
      assert.equal((await bearer(h.app, '/users/self', fresh.access_token)).status, 200, 'the gate reads the session, not the claim');
      assert.equal(jwtPart(fresh.access_token, 1)['mfa'], 'required');
      assert.equal((await introspect(fresh.access_token))['mfa'], 'validated');
      const refreshed = (await (await refresh(h, id.client, fresh.refresh_token ?? '')).json()) as TokenJson;
      assert.equal(jwtPart(refreshed.access_token, 1)['mfa'], 'validated');
      assert.equal((await bearer(h.app, '/users/self', refreshed.access_token)).status, 200);
    });

    it('accepts a code once per time step: the same code, or an older one still in the window, is a replay', async () => {
      const mfa = await enableMfa(h, id);
      const [one, two] = [await signIn(h, id), await signIn(h, id)];
      const now = codeAt(mfa.secret, h.clock.now);
      const previous = codeAt(mfa.secret, h.clock.now - 30_000);
      assert.equal((await validate(h, one.access_token, { token: now })).status, 204);
      await expectError(await validate(h, two.access_token, { token: now }), 400, 'mfa_code_used');
      if (previous !== now) await expectError(await validate(h, two.access_token, { token: previous }), 400, 'mfa_code_used');
      assert.equal((await bearer(h.app, '/users/self', two.access_token)).status, 401);
      // ±1 step: the next step's code is accepted now; two steps away is simply wrong.
      assert.equal((await validate(h, two.access_token, { token: codeAt(mfa.secret, h.clock.now + 30_000) })).status, 204);
      const three = await signIn(h, id);
      const far = codeAt(mfa.secret, h.clock.now + 90_000);
      if (![0, 30_000, 60_000].some((offset) => codeAt(mfa.secret, h.clock.now + offset) === far)) await expectError(await validate(h, three.access_token, { token: far }), 400, 'mfa_code_invalid');
    });

    it('the seed’s literal code is refused cleanly, as is a wrong code, and nothing changes', async () => {
      const mfa = await enableMfa(h, id);
      const fresh = await signIn(h, id);
      const seedCode = '904334';
      if (![-30_000, 0, 30_000].some((offset) => codeAt(mfa.secret, h.clock.now + offset) === seedCode)) {
        await expectError(await validate(h, fresh.access_token, '{\n  "token": "904334"\n}'), 400, 'mfa_code_invalid');
      }
      await expectError(await validate(h, fresh.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now) }), 400, 'mfa_code_invalid');
      await expectError(await validate(h, fresh.access_token, { token: '90433' }), 422, 'invalid_request');
      await expectError(await validate(h, fresh.access_token, { token: codeAt(mfa.secret, h.clock.now), recovery_code: mfa.recoveryCodes[0] }), 422, 'invalid_request');
      assert.equal((await bearer(h.app, '/users/self', fresh.access_token)).status, 401);
    });

    it('a recovery code validates a session once, typed in any case and without hyphens', async () => {
      const mfa = await enableMfa(h, id);
      const [one, two] = [await signIn(h, id), await signIn(h, id)];
      const code = mfa.recoveryCodes[3] ?? '';
      assert.equal((await validate(h, one.access_token, { recovery_code: code.replace(/-/g, '').toUpperCase() })).status, 204);
      assert.equal((await bearer(h.app, '/users/self', one.access_token)).status, 200);
      await expectError(await validate(h, two.access_token, { recovery_code: code }), 400, 'recovery_code_invalid');
      await expectError(await validate(h, two.access_token, { recovery_code: 'zzzz-zzzz-zzzz-zzzz' }), 400, 'recovery_code_invalid');
      assert.equal((await validate(h, two.access_token, { recovery_code: mfa.recoveryCodes[4] })).status, 204);
    });

    it('delete needs a right code: without one it is refused and MFA stays; with one (seed body) 204, factor and codes gone', async () => {
      const mfa = await enableMfa(h, id);
      const other = await signIn(h, id);
      const { access_token } = mfa.tokens;
      await expectError(await removeMfa(h, access_token, {}), 422, 'invalid_request');
      await expectError(await removeMfa(h, access_token, { token: wrongCodeAt(mfa.secret, h.clock.now) }), 400, 'mfa_code_invalid');
      await expectError(await removeMfa(h, access_token, { recovery_code: 'zzzz-zzzz-zzzz-zzzz' }), 400, 'recovery_code_invalid');
      assert.equal(((await (await bearer(h.app, '/users/self', access_token)).json()) as UserJson).data['mfa_enabled'], true);
      const response = await removeMfa(h, access_token, `{\n  "token": "${codeAt(mfa.secret, h.clock.now)}"\n}`);
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
      assert.equal(((await (await bearer(h.app, '/users/self', access_token)).json()) as UserJson).data['mfa_enabled'], false);
      assert.equal((await bearer(h.app, '/users/self', other.access_token)).status, 200, 'no session owes a factor the user no longer has');
      assert.equal((await h.store.db.selectFrom('mfa_factors').selectAll().where('user_id', '=', id.user.id).execute()).length, 0);
      assert.equal((await h.store.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', id.user.id).execute()).length, 0);
      await expectError(await removeMfa(h, access_token, { token: codeAt(mfa.secret, h.clock.now) }), 409, 'mfa_not_enabled');
      await expectError(await validate(h, access_token, { token: codeAt(mfa.secret, h.clock.now) }), 409, 'mfa_not_enabled');
    });

    it('delete with a recovery code; a factor set up again later is asked for in every session but the one that verified it', async () => {
      const mfa = await enableMfa(h, id);
      const { access_token } = mfa.tokens;
      assert.equal((await removeMfa(h, access_token, { recovery_code: mfa.recoveryCodes[0] })).status, 204);
      const again = await enableMfa(h, id);
      assert.equal((await bearer(h.app, '/users/self', again.tokens.access_token)).status, 200);
      assert.equal((await bearer(h.app, '/users/self', access_token)).status, 401, 'validated for the old factor, not the new one');
      assert.equal((await removeMfa(h, again.tokens.access_token, { token: codeAt(again.secret, h.clock.now) })).status, 204);
    });

    it('logs no secret, code or recovery code', async () => {
      const lines: string[] = [];
      const originals = { log: console.log, warn: console.warn, error: console.error };
      for (const name of ['log', 'warn', 'error'] as const) console[name] = (...parts: unknown[]) => lines.push(parts.map(String).join(' '));
      try {
        const logged = { ...h, app: createApp(h.services, { log: (line) => lines.push(line) }) };
        const mfa = await enableMfa(logged, id);
        const fresh = await signIn(logged, id);
        await validate(logged, fresh.access_token, { token: wrongCodeAt(mfa.secret, h.clock.now) });
        await validate(logged, fresh.access_token, { recovery_code: mfa.recoveryCodes[1] });
        await removeMfa(logged, fresh.access_token, { token: codeAt(mfa.secret, h.clock.now) });
        const secrets = [mfa.secret, codeAt(mfa.secret, h.clock.now), codeAt(mfa.secret, h.clock.now - 30_000), ...mfa.recoveryCodes];
        assert.ok(lines.length > 0, 'requests were logged');
        for (const line of lines) for (const secret of secrets) assert.ok(!line.includes(secret), `a log line shows a secret: ${line}`);
      } finally {
        Object.assign(console, originals);
      }
    });
  });
}
