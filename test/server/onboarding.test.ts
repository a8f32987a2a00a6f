import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';
import { codeAt, secretOf } from './mfa-fixtures.js';

announceSkips();

const REDIRECT = 'https://app.acme.test/auth/callback';
const DEFAULTS = { profile: [{ name: 'first_name', required: true }, { name: 'last_name', required: true }], password: 'optional', mfa: 'off' };
const EVERYTHING = {
  profile: [
    { name: 'first_name', required: true },
    { name: 'last_name', required: true },
    { name: 'phone_number', required: false },
    { name: 'timezone', required: false },
  ],
  password: 'optional',
  mfa: 'optional',
};
type Opened = { token: string; flow: FlowJson };
type ErrorJson = { error: { code: string; message: string } };

for (const dialect of dialects()) {
  describe(`onboarding before a user token's sign-in completes (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    let users = 0;
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', now: h.clock.now })).apiKey;
      await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme CRM', redirect_uris: [REDIRECT] }, { 'x-api-key': h.apiKey });
    });
    after(() => h.close());

    const settings = (body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      Promise.resolve(
        h.app.request('/api/v1/settings/onboarding', {
          method: body === undefined ? 'GET' : 'PUT',
          headers: { 'x-api-key': h.apiKey, ...headers },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      );

    async function openWithToken(
      options: Record<string, unknown> = { openOnboarding: true, closeOnboardingRedirect: '/dashboard/education' },
      member = (users += 1),
    ): Promise<Opened & { userId: string }> {
      const minted = await postJson(h.app, '/api/v1/user/token', { email: `new.member${member}@acme.test`, uid: `uid-${member}` }, { authorization: `Bearer ${privateKey}` });
      assert.equal(minted.status, 200, await minted.clone().text());
      const { token, userID } = (await minted.json()) as { token: string; userID: string };
      const opened = await postJson(h.app, '/api/v1/flows', { userToken: token, ...options });
      assert.equal(opened.status, 201, await opened.clone().text());
      return { ...((await opened.json()) as Opened), userId: userID };
    }
    async function answer(opened: Opened, input: Record<string, unknown>, status = 200): Promise<FlowJson> {
      const response = await postJson(h.app, '/api/v1/flows/current/steps', { ...input, stepId: opened.flow.step.id }, { authorization: `Bearer ${opened.token}` });
      assert.equal(response.status, status, await response.clone().text());
      return (await response.json()) as FlowJson;
    }
    const userRow = (id: string) => h.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const codesOf = (userId: string) => h.store.db.selectFrom('authorization_codes').selectAll().where('user_id', '=', userId).execute();

    it('answers the defaults when nothing is configured, and saves what a PUT sends', async () => {
      assert.deepEqual(await (await settings()).json(), DEFAULTS);
      const saved = await settings(EVERYTHING);
      assert.equal(saved.status, 200);
      assert.deepEqual(await saved.json(), EVERYTHING);
      assert.deepEqual(await (await settings()).json(), EVERYTHING);
    });

    it('refuses bad settings with a 422 that names the problem, and changes nothing', async () => {
      const bad: [unknown, RegExp][] = [
        [{ ...EVERYTHING, profile: [{ name: 'email', required: true }] }, /profile\.0\.name: must be one of first_name, last_name, phone_number, timezone/],
        [{ ...EVERYTHING, profile: [{ name: 'first_name', required: true }, { name: 'first_name', required: false }] }, /profile: must list each field at most once/],
        [{ ...EVERYTHING, profile: [{ name: 'first_name', required: 'yes' }] }, /profile\.0\.required: must be true or false/],
        [{ ...EVERYTHING, password: 'sometimes' }, /password: must be off, optional or required/],
        [{ ...EVERYTHING, mfa: undefined }, /mfa: must be off, optional or required/],
        [{ ...EVERYTHING, theme: 'dark' }, /unknown field: theme/],
        [[], /must be an object with profile, password and mfa/],
      ];
      for (const [body, message] of bad) {
        const response = await settings(body);
        assert.equal(response.status, 422, JSON.stringify(body));
        const error = ((await response.json()) as ErrorJson).error;
        assert.equal(error.code, 'invalid_request');
        assert.match(error.message, message);
      }
      assert.equal((await settings('{not json')).status, 400);
      assert.equal((await settings('{}', { 'content-type': 'text/plain' })).status, 415);
      const unauthenticated = await h.app.request('/api/v1/settings/onboarding', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEFAULTS) });
      assert.equal(unauthenticated.status, 401);
      assert.deepEqual(await (await settings()).json(), EVERYTHING, 'nothing changed');
    });

    it('runs the profile, a password and MFA set-up before the sign-in, then lands on closeOnboardingRedirect', async () => {
      assert.equal((await settings(EVERYTHING)).status, 200);
      let opened: Opened & { userId: string } = await openWithToken();
      const { userId } = opened;
      assert.deepEqual([opened.flow.status, opened.flow.step.kind], ['active', 'profile']);
      assert.equal((await codesOf(userId)).length, 0, 'no code before the onboarding is done');
      const fields = opened.flow.step['fields'] as { name: string; value?: string; required: boolean; options?: unknown[] }[];
      assert.deepEqual(fields.map((field) => [field.name, field.required]), [['first_name', true], ['last_name', true], ['phone_number', false], ['timezone', false]]);
      assert.equal(fields[0]?.value, `new.member${users}`, 'prefilled from the user');
      assert.ok((fields[3]?.options?.length ?? 0) > 100, 'time zones to choose from');

      const refused = await answer(opened, { kind: 'profile', values: { first_name: '', last_name: 'Curie', phone_number: '0664 123', timezone: 'Mars/Olympus' } });
      assert.equal(refused.step.kind, 'profile');
      assert.deepEqual(Object.keys(refused.step['errors'] as object).sort(), ['first_name', 'phone_number', 'timezone']);
      assert.match(String((refused.step['errors'] as Record<string, string>)['phone_number']), /international format/);
      assert.deepEqual(refused.step['i18n'], { errors: { first_name: { key: 'profile.first_name.missing' }, phone_number: { key: 'profile.phone_number.invalid' }, timezone: { key: 'profile.timezone.invalid' } } }, 'the wizard words them by key');
      assert.deepEqual((refused.step['fields'] as { i18n?: unknown }[]).map((field) => field.i18n), [
        { label: { key: 'profile.first_name.label' } },
        { label: { key: 'profile.last_name.label' } },
        { label: { key: 'profile.phone_number.label_optional' }, hint: { key: 'profile.phone_number.hint' } },
        { label: { key: 'profile.timezone.label_optional' } },
      ]);
      assert.equal((await userRow(userId)).last_name, '', 'a refused profile saves nothing');
      opened = { ...opened, flow: refused };
      const unknownField = await answer(opened, { kind: 'profile', values: { first_name: 'Marie', email: 'x@y.z' } }, 422);
      assert.match(JSON.stringify(unknownField), /Unknown fields: email/);

      opened = { ...opened, flow: await answer(opened, { kind: 'profile', values: { first_name: ' Marie ', last_name: 'Curie', phone_number: '+4368120265807', timezone: 'europe/vienna' } }) };
      const saved = await userRow(userId);
      assert.deepEqual([saved.first_name, saved.last_name, saved.phone_number, saved.timezone], ['Marie', 'Curie', '+4368120265807', 'Europe/Vienna']);

      assert.deepEqual([opened.flow.step.kind, opened.flow.step['optional'], opened.flow.step['username']], ['password-setup', true, `new.member${users}@acme.test`]);
      const weak = await answer(opened, { kind: 'password', password: 'password1234' });
      assert.equal(weak.step.kind, 'password-setup');
      assert.match(String(weak.step['error']), /common passwords/);
      assert.deepEqual(weak.step['i18n'], { error: { key: 'password.error.common' } });
      opened = { ...opened, flow: weak };
      opened = { ...opened, flow: await answer(opened, { kind: 'password', password: 'correct horse battery staple' }) };
      const withPassword = await userRow(userId);
      assert.equal(withPassword.has_password, 1);
      assert.ok(await h.services.passwords.hasher.verify(String(withPassword.password_hash), 'correct horse battery staple'), 'stored as a hash that checks');

      assert.deepEqual([opened.flow.step.kind, opened.flow.step['canSkip']], ['mfa-setup', true]);
      const secret = secretOf(String(opened.flow.step['uri']));
      opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: codeAt(secret, h.clock.now) }) };
      assert.equal(opened.flow.step.kind, 'recovery-codes');
      assert.equal((await userRow(userId)).mfa_enabled, 1);
      const done = await answer(opened, { kind: 'acknowledge' });
      assert.deepEqual([done.status, done.step.kind], ['succeeded', 'signed-in']);
      const redirect = new URL(String(done.step['redirectUrl']));
      assert.equal(redirect.origin + redirect.pathname, REDIRECT);
      assert.equal(redirect.searchParams.get('return_to'), '/dashboard/education');
      const code = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(String(redirect.searchParams.get('code')))).executeTakeFirstOrThrow();
      assert.deepEqual([code.user_id, code.auth_method, code.mfa_validated], [userId, 'user_token', 1]);
    });

    it('lets the user skip an optional password and optional MFA, and refuses to skip a required part', async () => {
      assert.equal((await settings({ ...EVERYTHING, profile: [{ name: 'first_name', required: true }] })).status, 200);
      let opened: Opened & { userId: string } = await openWithToken();
      opened = { ...opened, flow: await answer(opened, { kind: 'profile', values: { first_name: 'Ada' } }) };
      assert.equal(opened.flow.step.kind, 'password-setup');
      opened = { ...opened, flow: await answer(opened, { kind: 'skip' }) };
      assert.equal(opened.flow.step.kind, 'mfa-setup');
      const done = await answer(opened, { kind: 'skip' });
      assert.deepEqual([done.status, done.step.kind], ['succeeded', 'signed-in']);
      const user = await userRow(opened.userId);
      assert.deepEqual([user.first_name, user.has_password, user.mfa_enabled], ['Ada', 0, 0]);

      assert.equal((await settings({ profile: [], password: 'required', mfa: 'off' })).status, 200);
      const required = await openWithToken();
      assert.deepEqual([required.flow.step.kind, required.flow.step['optional']], ['password-setup', false]);
      const refused = (await answer(required, { kind: 'skip' }, 422)) as unknown as ErrorJson;
      assert.equal(refused.error.code, 'skip_unavailable');
    });

    it('signs the user in when they close the onboarding (seed 002), without the parts left, and lands on closeOnboardingRedirect', async () => {
      assert.equal((await settings(EVERYTHING)).status, 200);
      const opened = await openWithToken();
      assert.equal(opened.flow.step.kind, 'profile');
      const closed = await answer(opened, { kind: 'cancel' });
      assert.deepEqual([closed.status, closed.step.kind], ['succeeded', 'signed-in']);
      assert.equal(new URL(String(closed.step['redirectUrl'])).searchParams.get('return_to'), '/dashboard/education');
      const user = await userRow(opened.userId);
      assert.deepEqual([user.last_name, user.has_password, user.mfa_enabled], ['', 0, 0], 'nothing of the onboarding was saved');
      assert.equal((await codesOf(opened.userId)).length, 1);

      let skipped: Opened & { userId: string } = await openWithToken();
      skipped = { ...skipped, flow: await answer(skipped, { kind: 'profile', values: { first_name: 'Ada', last_name: 'Byron' } }) };
      skipped = { ...skipped, flow: await answer(skipped, { kind: 'skip' }) };
      assert.equal(skipped.flow.step.kind, 'mfa-setup');
      assert.equal((await answer(skipped, { kind: 'cancel' })).status, 'succeeded', 'an optional MFA set-up closes too');
    });

    it('ends the sign-in when the user closes the onboarding before a part the tenant made mandatory', async () => {
      assert.equal((await settings({ profile: [{ name: 'first_name', required: true }], password: 'required', mfa: 'off' })).status, 200);
      const beforePassword = await openWithToken();
      const cancelled = await answer(beforePassword, { kind: 'cancel' });
      assert.deepEqual([cancelled.status, cancelled.step['reason']], ['failed', 'user_cancelled']);
      assert.equal((await codesOf(beforePassword.userId)).length, 0);

      assert.equal((await settings({ profile: [{ name: 'first_name', required: true }], password: 'optional', mfa: 'off' })).status, 200);
      await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":true}' });
      try {
        const beforeMfa = await openWithToken();
        assert.equal(beforeMfa.flow.step.kind, 'profile');
        assert.equal((await answer(beforeMfa, { kind: 'cancel' })).status, 'failed', 'MFA the tenant requires is still ahead');
        assert.equal((await codesOf(beforeMfa.userId)).length, 0);
      } finally {
        await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":false}' });
      }
    });

    it('sets MFA up without a skip when the tenant requires MFA, even with MFA off in the onboarding', async () => {
      assert.equal((await settings({ profile: [], password: 'off', mfa: 'off' })).status, 200);
      await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":true}' });
      try {
        const opened = await openWithToken();
        assert.deepEqual([opened.flow.step.kind, opened.flow.step['canSkip']], ['mfa-setup', undefined]);
        assert.equal(((await answer(opened, { kind: 'skip' }, 422)) as unknown as ErrorJson).error.code, 'skip_unavailable');
      } finally {
        await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":false}' });
      }
    });

    it('runs no onboarding when openOnboarding is absent: the token signs in at once', async () => {
      assert.equal((await settings(EVERYTHING)).status, 200);
      const opened = await openWithToken({ closeOnboardingRedirect: '/dashboard/education' });
      assert.deepEqual([opened.flow.status, opened.flow.step.kind], ['succeeded', 'signed-in']);
      assert.equal(new URL(String(opened.flow.step['redirectUrl'])).searchParams.get('return_to'), '/dashboard/education');
      assert.equal((await codesOf(opened.userId)).length, 1);
    });

    it('asks a user who has MFA for the code first, then runs what is left of the onboarding', async () => {
      assert.equal((await settings(EVERYTHING)).status, 200);
      const member = (users += 1);
      let first: Opened & { userId: string } = await openWithToken(undefined, member);
      first = { ...first, flow: await answer(first, { kind: 'profile', values: { first_name: 'Lise', last_name: 'Meitner' } }) };
      first = { ...first, flow: await answer(first, { kind: 'skip' }) };
      const secret = secretOf(String(first.flow.step['uri']));
      first = { ...first, flow: await answer(first, { kind: 'mfa', code: codeAt(secret, h.clock.now) }) };
      assert.equal((await answer(first, { kind: 'acknowledge' })).step.kind, 'signed-in');

      h.clock.advance(60_000);
      let again: Opened & { userId: string } = await openWithToken(undefined, member);
      assert.deepEqual([again.flow.step.kind, again.flow.step['method']], ['mfa', 'totp']);
      assert.equal((await codesOf(again.userId)).length, 1, 'no new code before the MFA code');
      again = { ...again, flow: await answer(again, { kind: 'mfa', code: codeAt(secret, h.clock.now) }) };
      assert.equal(again.flow.step.kind, 'profile');
      const fields = again.flow.step['fields'] as { name: string; value?: string }[];
      assert.deepEqual(fields.slice(0, 2).map((field) => field.value), ['Lise', 'Meitner'], 'prefilled with what the last onboarding saved');
      again = { ...again, flow: await answer(again, { kind: 'profile', values: { first_name: 'Lise', last_name: 'Meitner' } }) };
      assert.equal(again.flow.step.kind, 'password-setup', 'still no password; MFA is not asked again');
      const done = await answer(again, { kind: 'skip' });
      assert.deepEqual([done.step.kind, new URL(String(done.step['redirectUrl'])).searchParams.get('return_to')], ['signed-in', '/dashboard/education']);
      const code = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(String(new URL(String(done.step['redirectUrl'])).searchParams.get('code')))).executeTakeFirstOrThrow();
      assert.equal(code.mfa_validated, 1);
    });

    it('refuses an onboarding input on a step that does not take it', async () => {
      const opened = await openWithToken();
      assert.equal(opened.flow.step.kind, 'profile');
      const mismatch = (await answer(opened, { kind: 'password', password: 'correct horse battery staple' }, 422)) as unknown as ErrorJson;
      assert.equal(mismatch.error.code, 'input_mismatch');
    });
  });
}
