import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';

announceSkips();

const REDIRECT = 'https://app.acme.test/auth/callback';
type Json = Record<string, unknown>;

for (const dialect of dialects()) {
  describe(`login URLs and the sign-in flow (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let userId: string;
    let clientId: string;
    before(async () => {
      h = await createHarness(dialect.url as string);
      const user = await postJson(h.app, '/api/v1/users', { first_name: 'Jo', last_name: 'Doe', email: 'Jo.Doe@Example.com' }, { 'x-api-key': h.apiKey });
      userId = ((await user.json()) as { id: string }).id;
      const client = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme CRM', redirect_uris: [REDIRECT] }, { 'x-api-key': h.apiKey });
      clientId = ((await client.json()) as { client_id: string }).client_id;
    });
    after(() => h.close());

    const loginUrl = (body?: Json, id = userId, key = h.apiKey) =>
      h.app.request(`/api/v1/users/${id}/login_url`, { method: 'POST', headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    async function newCode(body?: Json): Promise<string> {
      const response = await loginUrl(body);
      assert.equal(response.status, 201, await response.clone().text());
      const { login_url } = (await response.json()) as { login_url: string };
      return new URL(login_url).searchParams.get('code') as string;
    }
    const open = (code: string) => postJson(h.app, '/api/v1/flows', { link: code });
    const submit = (token: string, input: Json) => postJson(h.app, '/api/v1/flows/current/steps', input, { authorization: `Bearer ${token}` });
    const linkRow = (code: string) => h.store.db.selectFrom('links').selectAll().where('token_hash', '=', sha256(code)).executeTakeFirstOrThrow();

    it('answers seed 004’s request without a body with a single-use login URL on Keyway’s domain that lasts 15 minutes', async () => {
      const response = await loginUrl();
      assert.equal(response.status, 201);
      const body = (await response.json()) as { login_url: string; expires_at: string };
      const url = new URL(body.login_url);
      assert.equal(url.origin + url.pathname, 'http://keyway.test/login');
      assert.match(url.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Date.parse(body.expires_at) - h.clock.now, 15 * 60 * 1000);
      const row = await linkRow(url.searchParams.get('code') as string);
      assert.equal(row.type, 'signin');
    });

    it('draws the confirm step on GET and on opening, and uses nothing up until the user confirms', async () => {
      const code = await newCode();
      const page = await h.app.request(`/login?code=${code}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Sign in<\/title>/);
      const first = (await (await open(code)).json()) as { token: string; flow: FlowJson & { type: string } };
      assert.equal(first.flow.type, 'signin');
      assert.deepEqual({ kind: first.flow.step.kind, email: first.flow.step['email'], appName: first.flow.step['appName'] }, { kind: 'confirm', email: 'J•••@Example.com', appName: 'Acme CRM' });
      // A preview that ran the page opened the flow; the user's own opening takes it over.
      const second = (await (await open(code)).json()) as { token: string; flow: FlowJson };
      assert.equal(second.flow.id, first.flow.id);
      assert.equal((await submit(first.token, { kind: 'confirm', stepId: first.flow.step.id })).status, 401, 'the earlier opening’s token no longer works');
      assert.equal((await linkRow(code)).used_at, null, 'still unused');
      assert.equal((await h.store.db.selectFrom('authorization_codes').select('id').execute()).length, 0);

      const done = await submit(second.token, { kind: 'confirm', stepId: second.flow.step.id });
      assert.equal(done.status, 200);
      const flow = (await done.json()) as FlowJson;
      assert.equal(flow.status, 'succeeded');
      assert.equal(flow.step.kind, 'signed-in');
      const redirect = new URL(String(flow.step['redirectUrl']));
      assert.equal(redirect.origin + redirect.pathname, REDIRECT);
      assert.equal(redirect.searchParams.get('iss'), 'http://keyway.test');
      const authCode = redirect.searchParams.get('code') as string;
      const stored = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(authCode)).executeTakeFirstOrThrow();
      assert.deepEqual({ user: stored.user_id, client: stored.client_id, uri: stored.redirect_uri, method: stored.auth_method }, { user: userId, client: clientId, uri: REDIRECT, method: 'login_url' });
      assert.ok(stored.expires_at - h.clock.now <= 60_000, 'the code lives a minute at most');
      assert.notEqual((await linkRow(code)).used_at, null);

      const again = await open(code);
      assert.equal(again.status, 409, 'a second use is refused');
      assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'link_used');
    });

    it('passes the app’s state through and keeps the redirect URI’s own query', async () => {
      const client = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Second', redirect_uris: ['https://app.acme.test/cb?tenant=7', 'https://app.acme.test/other'] }, { 'x-api-key': h.apiKey });
      const second = ((await client.json()) as { client_id: string }).client_id;
      const code = await newCode({ client_id: second, redirect_uri: 'https://app.acme.test/cb?tenant=7', state: 'xyz-123', expires_in: 120 });
      const { token, flow } = (await (await open(code)).json()) as { token: string; flow: FlowJson };
      const done = (await (await submit(token, { kind: 'confirm', stepId: flow.step.id })).json()) as FlowJson;
      const redirect = new URL(String(done.step['redirectUrl']));
      assert.equal(redirect.searchParams.get('tenant'), '7');
      assert.equal(redirect.searchParams.get('state'), 'xyz-123');
      // With two clients the tenant must name one.
      const unnamed = await loginUrl();
      assert.equal(unnamed.status, 422);
      assert.equal(((await unnamed.json()) as { error: { code: string } }).error.code, 'client_required');
      await h.app.request(`/api/v1/oauth/clients/${second}`, { method: 'DELETE', headers: { 'x-api-key': h.apiKey } });
    });

    it('refuses an expired login URL with 410, a deactivated user with a failure step, and cancel ends the flow', async () => {
      const expiring = await newCode({ expires_in: 60 });
      h.clock.advance(61_000);
      assert.equal((await open(expiring)).status, 410);

      const code = await newCode();
      const codesFor = async () => (await h.store.db.selectFrom('authorization_codes').select('id').where('user_id', '=', userId).execute()).length;
      const issued = await codesFor();
      const setStatus = (status: string) => h.app.request(`/api/v1/users/${userId}/status`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify({ status }) });
      const { token, flow } = (await (await open(code)).json()) as { token: string; flow: FlowJson };
      assert.equal((await setStatus('INACTIVE')).status, 200);
      const refused = (await (await submit(token, { kind: 'confirm', stepId: flow.step.id })).json()) as FlowJson;
      assert.equal(refused.step.kind, 'failure');
      assert.equal(refused.step['reason'], 'user_inactive');
      assert.equal(await codesFor(), issued, 'no code for the inactive user');

      const inactive = await loginUrl();
      assert.equal(inactive.status, 409);
      assert.equal(((await inactive.json()) as { error: { code: string } }).error.code, 'user_inactive');
      assert.equal((await setStatus('ACTIVE')).status, 200);
      const later = await newCode();
      assert.equal((await setStatus('INACTIVE')).status, 200);
      const opened = (await (await open(later)).json()) as { flow: FlowJson };
      assert.equal(opened.flow.step.kind, 'failure', 'a deactivated user gets a failure step, not a blank page');
      assert.equal(opened.flow.step['reason'], 'user_inactive');
      assert.equal((await setStatus('ACTIVE')).status, 200);

      const cancelled = await newCode();
      const started = (await (await open(cancelled)).json()) as { token: string; flow: FlowJson };
      const gaveUp = (await (await submit(started.token, { kind: 'cancel', stepId: started.flow.step.id })).json()) as FlowJson;
      assert.equal(gaveUp.step['reason'], 'user_cancelled');
      assert.equal((await linkRow(cancelled)).used_at, null, 'cancelling does not sign in');
    });

    it('answers bad requests with 4xx and creates no link', async () => {
      const links = async () => (await h.store.db.selectFrom('links').select('id').where('type', '=', 'signin').execute()).length;
      const before = await links();
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now });
      const cases: [string, Response, number, string][] = [
        ['an unknown user', await loginUrl(undefined, 'no-such-user'), 404, 'user_not_found'],
        ['another tenant’s user', await loginUrl(undefined, userId, other.apiKey), 404, 'user_not_found'],
        ['a redirect URI not registered', await loginUrl({ redirect_uri: 'https://app.acme.test/auth/callback/evil' }), 422, 'redirect_uri_not_registered'],
        ['an unknown client', await loginUrl({ client_id: 'kwc_nope' }), 404, 'client_not_found'],
        ['a lifetime too long', await loginUrl({ expires_in: 86_401 }), 422, 'invalid_request'],
        ['a lifetime too short', await loginUrl({ expires_in: 5 }), 422, 'invalid_request'],
        ['an unknown field', await loginUrl({ redirect: REDIRECT }), 422, 'invalid_request'],
        ['a plain PKCE method', await loginUrl({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }), 422, 'invalid_request'],
        ['no API key', await h.app.request(`/api/v1/users/${userId}/login_url`, { method: 'POST' }), 401, 'missing_api_key'],
      ];
      for (const [name, response, status, code] of cases) {
        assert.equal(response.status, status, name);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, code, name);
      }
      assert.equal(await links(), before);
    });
  });
}
