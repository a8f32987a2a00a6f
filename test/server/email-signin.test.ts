import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openMailBody } from '../../src/server/messages/mail-outbox.js';
import { sha256 } from '../../src/server/security/tokens.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';

announceSkips();

const REDIRECT = 'https://app.acme.test/auth/callback';
const VERIFIER = 'a-verifier-that-is-long-enough-for-pkce-s256-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

for (const dialect of dialects()) {
  describe(`authorization requests and email sign-in (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let clientId: string;
    let publicClientId: string;
    before(async () => {
      h = await createHarness(dialect.url as string);
      await postJson(h.app, '/api/v1/users', { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' }, { 'x-api-key': h.apiKey });
      const client = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme CRM', redirect_uris: [REDIRECT] }, { 'x-api-key': h.apiKey });
      clientId = ((await client.json()) as { client_id: string }).client_id;
      const spa = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme SPA', redirect_uris: ['https://spa.acme.test/cb'], public: true }, { 'x-api-key': h.apiKey });
      publicClientId = ((await spa.json()) as { client_id: string }).client_id;
    });
    after(() => h.close());

    const authorize = (params: Record<string, string>) => h.app.request(`/oauth2/authorize?${new URLSearchParams(params)}`);
    const good = () => ({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid email', state: 'st-1', nonce: 'n-1', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const submit = (token: string, input: Record<string, unknown>) => postJson(h.app, '/api/v1/flows/current/steps', input, { authorization: `Bearer ${token}` });
    const mails = async () => Promise.all((await h.store.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute()).map((row) => ({ row, body: openMailBody(h.services.sealer, row) })));

    async function startSignIn(): Promise<{ token: string; flow: FlowJson }> {
      const response = await authorize(good());
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location') as string, 'http://keyway.test');
      assert.equal(location.pathname, '/login');
      const opened = await postJson(h.app, '/api/v1/flows', { link: location.searchParams.get('code') });
      assert.equal(opened.status, 201);
      return (await opened.json()) as { token: string; flow: FlowJson };
    }

    it('asks for the email, mails a code to a known user, and signs in with it', async () => {
      const { token, flow } = await startSignIn();
      assert.equal(flow.step.kind, 'credentials');
      assert.equal(flow.step['appName'], 'Acme CRM');
      const sent = (await (await submit(token, { kind: 'credentials', stepId: flow.step.id, values: { email: 'ANN@example.com' } })).json()) as FlowJson;
      assert.deepEqual({ kind: sent.step.kind, method: sent.step['method'], hint: sent.step['hint'], length: sent.step['length'] }, { kind: 'mfa', method: 'email', hint: 'A•••@example.com', length: 6 });
      const [mail] = await mails();
      assert.ok(mail, 'a mail was queued');
      assert.equal(mail.row.to_address, 'ANN@example.com');
      const code = /\b(\d{6})\b/.exec(mail.body.text)?.[1] as string;
      assert.ok(code, 'the mail carries the code');
      assert.equal(JSON.stringify(mail.row).includes(code), false, 'the code is not in the outbox row in clear');
      const done = (await (await submit(token, { kind: 'mfa', stepId: sent.step.id, code })).json()) as FlowJson;
      assert.equal(done.step.kind, 'signed-in');
      const redirect = new URL(String(done.step['redirectUrl']));
      assert.equal(redirect.searchParams.get('state'), 'st-1');
      const row = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(redirect.searchParams.get('code') as string)).executeTakeFirstOrThrow();
      assert.deepEqual({ challenge: row.code_challenge, nonce: row.nonce, scope: row.scope, method: row.auth_method }, { challenge: CHALLENGE, nonce: 'n-1', scope: 'openid email', method: 'email_code' });
    });

    it('answers an unknown email exactly as a known one, sends nothing, and no code signs it in', async () => {
      const before = (await mails()).length;
      const { token, flow } = await startSignIn();
      const sent = (await (await submit(token, { kind: 'credentials', stepId: flow.step.id, values: { email: 'nobody@example.com' } })).json()) as FlowJson;
      assert.deepEqual(Object.keys(sent.step).sort(), ['attemptsLeft', 'canResend', 'hint', 'id', 'kind', 'length', 'method'].sort());
      assert.equal((await mails()).length, before, 'no mail for an address without an account');
      let step = sent;
      for (let n = 0; n < 5 && step.step.kind === 'mfa'; n += 1) step = (await (await submit(token, { kind: 'mfa', stepId: step.step.id, code: String(n).padStart(6, '0') })).json()) as FlowJson;
      assert.equal(step.step.kind, 'failure');
      assert.equal(step.step['reason'], 'mfa_locked');
    });

    it('signs in through the magic link only after a click on its confirm step', async () => {
      const { token, flow } = await startSignIn();
      await submit(token, { kind: 'credentials', stepId: flow.step.id, values: { email: 'ann@example.com' } });
      const mail = (await mails()).at(-1);
      const magic = new URL(/(http:\/\/keyway\.test\/login\?code=[A-Za-z0-9_-]+)/.exec(mail!.body.text)?.[1] as string);
      assert.equal((await h.app.request(`${magic.pathname}${magic.search}`)).status, 200, 'a scanner’s GET draws the page');
      const opened = (await (await postJson(h.app, '/api/v1/flows', { link: magic.searchParams.get('code') })).json()) as { token: string; flow: FlowJson };
      assert.equal(opened.flow.step.kind, 'confirm');
      const done = (await (await submit(opened.token, { kind: 'confirm', stepId: opened.flow.step.id })).json()) as FlowJson;
      assert.equal(done.step.kind, 'signed-in');
      const code = new URL(String(done.step['redirectUrl'])).searchParams.get('code') as string;
      const row = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(code)).executeTakeFirstOrThrow();
      assert.equal(row.auth_method, 'email_link');
      assert.equal(row.code_challenge, CHALLENGE, 'the magic link keeps the request’s PKCE challenge');
      // The code mailed with the link no longer signs in: one request, one sign-in.
      const code6 = /\b(\d{6})\b/.exec(mail!.body.text)?.[1] as string;
      const current = (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as FlowJson;
      const late = (await (await submit(token, { kind: 'mfa', stepId: current.step.id, code: code6 })).json()) as FlowJson;
      assert.equal(late.step.kind, 'failure');
      assert.equal(late.step['reason'], 'link_used');
    });

    it('starts the email field with the request’s login_hint', async () => {
      const response = await authorize({ ...good(), login_hint: 'ann@example.com' });
      const code = new URL(response.headers.get('location') as string, 'http://keyway.test').searchParams.get('code');
      const { flow } = (await (await postJson(h.app, '/api/v1/flows', { link: code })).json()) as { flow: FlowJson };
      assert.equal((flow.step['fields'] as { value?: string }[])[0]?.value, 'ann@example.com');
    });

    it('refuses bad authorization requests: on a page until the redirect URI is trusted, at the redirect URI after', async () => {
      const page = async (params: Record<string, string>) => {
        const response = await authorize(params);
        assert.equal(response.status, 400, JSON.stringify(params));
        assert.equal(response.headers.get('location'), null);
        assert.match(await response.text(), /not valid/);
      };
      await page({ ...good(), client_id: 'kwc_unknown' });
      await page({ ...good(), redirect_uri: 'https://evil.test/cb' });
      await page({ ...good(), redirect_uri: `${REDIRECT}/more` });
      const { client_id: _dropped, ...withoutClient } = good();
      await page(withoutClient);

      const redirected = async (params: Record<string, string>, error: string) => {
        const response = await authorize(params);
        assert.equal(response.status, 303, JSON.stringify(params));
        const location = new URL(response.headers.get('location') as string);
        assert.equal(location.origin + location.pathname, params['redirect_uri'] ?? REDIRECT);
        assert.equal(location.searchParams.get('error'), error);
        assert.equal(location.searchParams.get('state'), params['state'] ?? null);
        assert.equal(location.searchParams.get('iss'), 'http://keyway.test');
      };
      await redirected({ ...good(), response_type: 'token' }, 'unsupported_response_type');
      await redirected({ ...good(), code_challenge_method: 'plain' }, 'invalid_request');
      await redirected({ ...good(), code_challenge: 'short' }, 'invalid_request');
      await redirected({ response_type: 'code', client_id: publicClientId, redirect_uri: 'https://spa.acme.test/cb', state: 'x' }, 'invalid_request');
    });

    it('limits wrong codes across flows for the same address and resends at most three codes', async () => {
      const { token, flow } = await startSignIn();
      let step = (await (await submit(token, { kind: 'credentials', stepId: flow.step.id, values: { email: 'ann@example.com' } })).json()) as FlowJson;
      for (let n = 1; n < 3; n += 1) {
        const resent = await submit(token, { kind: 'resend', stepId: step.step.id });
        assert.equal(resent.status, 200);
        step = (await resent.json()) as FlowJson;
      }
      assert.equal(step.step['canResend'], false);
      assert.equal((await submit(token, { kind: 'resend', stepId: step.step.id })).status, 422);
    });
  });
}
