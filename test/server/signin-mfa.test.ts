import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';
import { codeAt, enableMfa, secretOf, wrongCodeAt, type MfaUser } from './mfa-fixtures.js';
import { bearer, createIdentity, createTestUser, exchangeCode, REDIRECT_URI, type Identity, type TokenJson } from './oauth2-fixtures.js';

announceSkips();

type Json = Record<string, unknown>;
type Opened = { token: string; flow: FlowJson };

for (const dialect of dialects()) {
  describe(`MFA in the sign-in wizard (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let identity: Identity;
    before(async () => {
      h = await createHarness(dialect.url as string);
      identity = await createIdentity(h);
    });
    after(() => h.close());

    const submit = (token: string, input: Json) => postJson(h.app, '/api/v1/flows/current/steps', input, { authorization: `Bearer ${token}` });
    const settings = (required: boolean) =>
      h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ required }) });

    /** Opens a login URL for the user and confirms: the step after the confirm button. */
    async function confirmed(userId: string): Promise<Opened> {
      const response = await postJson(h.app, `/api/v1/users/${userId}/login_url`, { client_id: identity.client.id, redirect_uri: REDIRECT_URI }, { 'x-api-key': h.apiKey });
      assert.equal(response.status, 201, await response.clone().text());
      const code = new URL(((await response.json()) as { login_url: string }).login_url).searchParams.get('code') as string;
      const opened = (await (await postJson(h.app, '/api/v1/flows', { link: code })).json()) as Opened;
      assert.equal(opened.flow.step.kind, 'confirm');
      return { token: opened.token, flow: await answer(opened, { kind: 'confirm' }) };
    }
    async function answer(opened: Opened, input: Json, status = 200): Promise<FlowJson> {
      const response = await submit(opened.token, { ...input, stepId: opened.flow.step.id });
      assert.equal(response.status, status, await response.clone().text());
      return (await response.json()) as FlowJson;
    }
    async function tokensFrom(flow: FlowJson): Promise<TokenJson> {
      assert.equal(flow.step.kind, 'signed-in');
      const code = new URL(String(flow.step['redirectUrl'])).searchParams.get('code') as string;
      const exchanged = await exchangeCode(h, identity.client, code);
      assert.equal(exchanged.status, 200, await exchanged.clone().text());
      return (await exchanged.json()) as TokenJson;
    }

    describe('a user with MFA', () => {
      let mfa: MfaUser;
      before(async () => {
        mfa = await enableMfa(h, { user: identity.user, client: identity.client });
      });

      it('asks for the app’s code after the confirm step, counts a wrong one, and signs in with a session already validated', async () => {
        let opened = await confirmed(identity.user.id);
        assert.deepEqual(
          { kind: opened.flow.step.kind, method: opened.flow.step['method'], length: opened.flow.step['length'], attempts: opened.flow.step['attemptsLeft'], recovery: opened.flow.step['canUseRecoveryCode'] },
          { kind: 'mfa', method: 'totp', length: 6, attempts: 5, recovery: true },
        );
        opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: wrongCodeAt(mfa.secret, h.clock.now) }) };
        assert.deepEqual({ error: opened.flow.step['error'], attempts: opened.flow.step['attemptsLeft'] }, { error: 'invalid_code', attempts: 4 });
        const flow = await answer(opened, { kind: 'mfa', code: codeAt(mfa.secret, h.clock.now) });
        const tokens = await tokensFrom(flow);
        assert.equal((await bearer(h.app, '/users/self', tokens.access_token)).status, 200, 'no "MFA required" after the wizard checked it');
      });

      it('refuses the same code again in another sign-in', async () => {
        const opened = await confirmed(identity.user.id);
        const flow = await answer(opened, { kind: 'mfa', code: codeAt(mfa.secret, h.clock.now) });
        assert.deepEqual({ kind: flow.step.kind, error: flow.step['error'] }, { kind: 'mfa', error: 'invalid_code' });
        h.clock.advance(30_000);
      });

      it('takes a recovery code instead, once', async () => {
        const [recovery] = mfa.recoveryCodes as [string];
        const tokens = await tokensFrom(await answer(await confirmed(identity.user.id), { kind: 'recovery', code: recovery.toUpperCase() }));
        assert.equal((await bearer(h.app, '/users/self', tokens.access_token)).status, 200);
        const again = await answer(await confirmed(identity.user.id), { kind: 'recovery', code: recovery });
        assert.deepEqual({ kind: again.step.kind, error: again.step['error'] }, { kind: 'mfa', error: 'invalid_code' });
      });

      it('fails the flow once its attempts are spent', async () => {
        let opened = await confirmed(identity.user.id);
        for (let attempt = 0; attempt < 5; attempt += 1) opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: wrongCodeAt(mfa.secret, h.clock.now, attempt) }) };
        assert.deepEqual({ kind: opened.flow.step.kind, reason: opened.flow.step['reason'], status: opened.flow.status }, { kind: 'failure', reason: 'mfa_locked', status: 'failed' });
      });
    });

    it('refuses codes for an account with too many wrong ones across flows, even the right code', async () => {
      const user = await createTestUser(h);
      const { secret } = await enableMfa(h, { user, client: identity.client });
      for (let flow = 0; flow < 2; flow += 1) {
        let opened = await confirmed(user.id);
        for (let attempt = 0; attempt < 5; attempt += 1) opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: wrongCodeAt(secret, h.clock.now, attempt) }) };
      }
      const opened = await confirmed(user.id);
      const refused = await submit(opened.token, { kind: 'mfa', stepId: opened.flow.step.id, code: codeAt(secret, h.clock.now) });
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { details: { limit: string } } }).error.details.limit, 'mfa_account_failures');
    });

    describe('a tenant that requires MFA', () => {
      before(async () => {
        const response = await settings(true);
        assert.deepEqual({ status: response.status, body: await response.json() }, { status: 200, body: { required: true } });
      });
      after(async () => {
        await settings(false);
      });

      it('answers its setting, refuses a bad one and a missing API key', async () => {
        const read = await h.app.request('/api/v1/settings/mfa', { headers: { 'x-api-key': h.apiKey } });
        assert.deepEqual(await read.json(), { required: true });
        const bad = await h.app.request('/api/v1/settings/mfa', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: '{"required":"yes"}' });
        assert.equal(bad.status, 422);
        assert.equal((await h.app.request('/api/v1/settings/mfa')).status, 401);
      });

      it('has a user without MFA set it up, shows the recovery codes once, then signs in validated', async () => {
        const user = await createTestUser(h);
        let opened = await confirmed(user.id);
        const { step } = opened.flow;
        assert.equal(step.kind, 'mfa-setup');
        assert.match(String(step['uri']), /^otpauth:\/\/totp\//);
        const secret = secretOf(String(step['uri']));
        assert.equal(step['secret'], secret);
        assert.equal(step['attemptsLeft'], 5);
        opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: wrongCodeAt(secret, h.clock.now) }) };
        assert.deepEqual({ kind: opened.flow.step.kind, error: opened.flow.step['error'], attempts: opened.flow.step['attemptsLeft'] }, { kind: 'mfa-setup', error: 'invalid_code', attempts: 4 });
        await answer(opened, { kind: 'acknowledge' }, 422);
        opened = { ...opened, flow: await answer(opened, { kind: 'mfa', code: codeAt(secret, h.clock.now) }) };
        assert.equal(opened.flow.step.kind, 'recovery-codes');
        const codes = opened.flow.step['codes'] as string[];
        assert.equal(codes.length, 10);
        const row = await h.store.db.selectFrom('users').select('mfa_enabled').where('id', '=', user.id).executeTakeFirstOrThrow();
        assert.equal(row.mfa_enabled, 1);
        const tokens = await tokensFrom(await answer(opened, { kind: 'acknowledge' }));
        assert.equal((await bearer(h.app, '/users/self', tokens.access_token)).status, 200);

        h.clock.advance(30_000);
        const next = await confirmed(user.id);
        assert.equal(next.flow.step.kind, 'mfa', 'set up once; the next sign-in asks for the code');
        await tokensFrom(await answer(next, { kind: 'recovery', code: codes[3] as string }));
      });
    });
  });
}
