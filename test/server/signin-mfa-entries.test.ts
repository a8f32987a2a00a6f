import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openMailBody } from '../../src/server/messages/mail-outbox.js';
import { sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';
import { codeAt, secretOf, wrongCodeAt } from './mfa-fixtures.js';

announceSkips();

const REDIRECT = 'https://app.acme.test/auth/callback';
type Opened = { token: string; flow: FlowJson };

for (const dialect of dialects()) {
  describe(`MFA after a user token (seed 002) or an email code, when the tenant requires it (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    let clientId: string;
    let secret = '';
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', now: h.clock.now })).apiKey;
      const client = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme CRM', redirect_uris: [REDIRECT] }, { 'x-api-key': h.apiKey });
      clientId = ((await client.json()) as { client_id: string }).client_id;
      await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":true}' });
    });
    after(() => h.close());

    async function openWithToken(): Promise<Opened> {
      const minted = await postJson(h.app, '/api/v1/user/token', { email: 'member@acme.test', uid: 'uid-1' }, { authorization: `Bearer ${privateKey}` });
      assert.equal(minted.status, 200, await minted.clone().text());
      const { token } = (await minted.json()) as { token: string };
      const opened = await postJson(h.app, '/api/v1/flows', { userToken: token, closeOnboardingRedirect: '/dashboard' });
      assert.equal(opened.status, 201, await opened.clone().text());
      return (await opened.json()) as Opened;
    }
    async function answer(opened: Opened, input: Record<string, unknown>): Promise<FlowJson> {
      const response = await postJson(h.app, '/api/v1/flows/current/steps', { ...input, stepId: opened.flow.step.id }, { authorization: `Bearer ${opened.token}` });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as FlowJson;
    }

    it('opens on the set-up instead of signing in, and lands on closeOnboardingRedirect once MFA is set up', async () => {
      let opened = await openWithToken();
      assert.deepEqual([opened.flow.status, opened.flow.step.kind, opened.flow.step['attemptsLeft']], ['active', 'mfa-setup', 5]);
      assert.equal((await h.store.db.selectFrom('authorization_codes').select('id').execute()).length, 0, 'no code before MFA');
      secret = secretOf(String(opened.flow.step['uri']));
      opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: wrongCodeAt(secret, h.clock.now) }) };
      assert.equal(opened.flow.step['attemptsLeft'], 4);
      opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: codeAt(secret, h.clock.now) }) };
      assert.equal(opened.flow.step.kind, 'recovery-codes');
      const done = await answer(opened, { kind: 'acknowledge' });
      assert.deepEqual([done.status, done.step.kind], ['succeeded', 'signed-in']);
      const redirect = new URL(String(done.step['redirectUrl']));
      assert.equal(redirect.searchParams.get('return_to'), '/dashboard');
      const code = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(redirect.searchParams.get('code') as string)).executeTakeFirstOrThrow();
      assert.deepEqual([code.auth_method, code.mfa_validated], ['user_token', 1]);

      h.clock.advance(30_000);
      const next = await openWithToken();
      assert.deepEqual([next.flow.step.kind, next.flow.step['method']], ['mfa', 'totp'], 'the next user token asks for the code');
      const signedIn = await answer(next, { kind: 'mfa', code: codeAt(secret, h.clock.now) });
      assert.equal(new URL(String(signedIn.step['redirectUrl'])).searchParams.get('return_to'), '/dashboard');
    });

    it('asks an email sign-in for the app’s code after the mailed one, on what is left of the flow’s attempts', async () => {
      h.clock.advance(30_000);
      const authorize = await h.app.request(`/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid' })}`);
      assert.equal(authorize.status, 303);
      const link = new URL(authorize.headers.get('location') as string, 'http://keyway.test').searchParams.get('code');
      let opened = (await (await postJson(h.app, '/api/v1/flows', { link })).json()) as Opened;
      opened = { ...opened, flow: await answer(opened, { kind: 'credentials', values: { email: 'member@acme.test' } }) };
      assert.equal(opened.flow.step['method'], 'email');
      const mail = await h.store.db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      const mailed = /\b(\d{6})\b/.exec(openMailBody(h.services.sealer, mail).text)?.[1] as string;
      opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: mailed }) };
      assert.deepEqual([opened.flow.step.kind, opened.flow.step['method'], opened.flow.step['attemptsLeft']], ['mfa', 'totp', 4]);
      const done = await answer(opened, { kind: 'mfa', code: codeAt(secret, h.clock.now) });
      const code = new URL(String(done.step['redirectUrl'])).searchParams.get('code') as string;
      const row = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(code)).executeTakeFirstOrThrow();
      assert.deepEqual([row.auth_method, row.mfa_validated], ['email_code', 1]);
    });
  });
}
