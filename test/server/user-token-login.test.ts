import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';

announceSkips();

const REDIRECT = 'https://app.acme.test/auth/callback';
const REFUSED_PATHS = ['//evil.example', '/\\evil.example', 'https://evil.example', '%2F%2Fevil.example', '/%2F%2Fevil.example', 'javascript:alert(1)', 'dashboard', '/%09/evil.example'];

for (const dialect of dialects()) {
  describe(`signing in with a user token at /login/?token= (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    let emails = 0;
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', now: h.clock.now })).apiKey;
      await postJson(h.app, '/api/v1/oauth/clients', { name: 'Acme CRM', redirect_uris: [REDIRECT] }, { 'x-api-key': h.apiKey });
    });
    after(() => h.close());

    async function minted(): Promise<{ token: string; userID: string }> {
      emails += 1;
      const response = await postJson(h.app, '/api/v1/user/token', { email: `member${emails}@acme.test`, uid: 'uid-1' }, { authorization: `Bearer ${privateKey}` });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as { token: string; userID: string };
    }
    const open = (body: Record<string, unknown>, headers: Record<string, string> = {}) => postJson(h.app, '/api/v1/flows', body, headers);
    const used = async (userId: string) => (await h.store.db.selectFrom('user_tokens').select('used_at').where('user_id', '=', userId).executeTakeFirstOrThrow()).used_at !== null;

    it('draws the page on GET without using the token, and signs in when the page posts it', async () => {
      const { token, userID } = await minted();
      const page = await h.app.request(`/login/?token=${token}&openOnboarding=true&closeOnboardingRedirect=/dashboard/education`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`user-token="${token.replace(/\./g, '\\.')}"`));
      assert.match(html, /return-to="\/dashboard\/education"/);
      assert.match(html, / open-onboarding[ >]/);
      assert.equal(await used(userID), false, 'a GET uses nothing up');

      // Without openOnboarding (see onboarding.test.ts for the steps it runs).
      const response = await open({ userToken: token, closeOnboardingRedirect: '/dashboard/education' });
      assert.equal(response.status, 201);
      const { flow } = (await response.json()) as { flow: FlowJson & { type: string } };
      assert.deepEqual([flow.type, flow.status, flow.step.kind], ['signin', 'succeeded', 'signed-in']);
      const redirect = new URL(String(flow.step['redirectUrl']));
      assert.equal(redirect.origin + redirect.pathname, REDIRECT);
      assert.equal(redirect.searchParams.get('return_to'), '/dashboard/education');
      const code = await h.store.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(redirect.searchParams.get('code') as string)).executeTakeFirstOrThrow();
      assert.deepEqual([code.user_id, code.auth_method], [userID, 'user_token']);
      assert.equal(await used(userID), true);

      const again = await open({ userToken: token });
      assert.equal(again.status, 409, 'a user token signs in once');
      assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'link_used');
    });

    it('refuses every return path that is not one inside the app, on the page and in the API, and uses nothing up', async () => {
      const { token, userID } = await minted();
      for (const path of REFUSED_PATHS) {
        const page = await h.app.request(`/login/?token=${token}&closeOnboardingRedirect=${path.startsWith('%') ? path : encodeURIComponent(path)}`);
        assert.equal(page.status, 400, path);
        assert.match(await page.text(), /not a path inside the app/);
        assert.equal((await open({ userToken: token, closeOnboardingRedirect: decodeURIComponent(path) })).status, 422, path);
      }
      assert.equal(await used(userID), false);
    });

    it('refuses a made-up, an expired or an inactive user’s token, using none of them up', async () => {
      assert.equal((await open({ userToken: 'x'.repeat(40) })).status, 404);
      const expiring = await minted();
      h.clock.advance(11 * 60 * 1000);
      assert.equal((await open({ userToken: expiring.token })).status, 410);

      const { token, userID } = await minted();
      const status = (value: string) => h.app.request(`/api/v1/users/${userID}/status`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify({ status: value }) });
      await status('INACTIVE');
      const refused = await open({ userToken: token });
      assert.equal(refused.status, 409);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'user_inactive');
      assert.equal(await used(userID), false);
      await status('ACTIVE');
      assert.equal((await open({ userToken: token })).status, 201, 'the same token works once the user is active again');
    });

    it('refuses a token on another tenant’s domain without using it', async () => {
      const globex = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now });
      await h.app.request('/api/v1/brand', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': globex.apiKey }, body: JSON.stringify({ domain: 'login.globex.test', name: 'Globex' }) });
      const { token, userID } = await minted();
      assert.equal((await open({ userToken: token }, { host: 'login.globex.test' })).status, 404);
      assert.equal(await used(userID), false);
    });
  });
}
