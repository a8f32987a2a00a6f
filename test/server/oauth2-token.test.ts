import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../src/server/store/tenants.js';
import { DEFAULT_LIMITS } from '../../src/server/security/rate-limits.js';
import { announceSkips, createHarness, dialects, postJson, type Harness } from './harness.js';
import {
  basic,
  bearer,
  createIdentity,
  createTestUser,
  exchangeCode,
  issueCode,
  jwtPart,
  OTHER_REDIRECT_URI,
  pkcePair,
  postForm,
  refresh,
  registerClient,
  REDIRECT_URI,
  withSecret,
  type Identity,
  type OAuthErrorJson,
  type TokenJson,
} from './oauth2-fixtures.js';

announceSkips();

async function oauthError(response: Response, status: number, error: string, code?: string): Promise<OAuthErrorJson> {
  const body = (await response.json()) as OAuthErrorJson;
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  if (code) assert.equal(body.code, code);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return body;
}

for (const dialect of dialects()) {
  describe(`POST /oauth2/token, authorization_code (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let id: Identity;
    before(async () => {
      h = await createHarness(dialect.url as string);
      id = await createIdentity(h);
    });
    after(() => h.close());

    it('exchanges a code for seed 001’s answer plus an ID token, never cached', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client, nonce: 'n-0S6_WzA2Mj' });
      const response = await exchangeCode(h, id.client, code);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('pragma'), 'no-cache');
      const body = (await response.json()) as TokenJson;
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.code, 'OK');
      assert.equal(body.expires_in, 900);
      assert.equal(body.scope, 'openid profile email');
      assert.match(body.refresh_token ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual([body.data?.['type'], body.data?.['id'], body.data?.['email'], body.data?.['user_status'], body.data?.['email_confirmed']], ['user', id.user.id, id.user.email, 'Active', true]);

      const header = jwtPart(body.access_token, 0);
      const claims = jwtPart(body.access_token, 1);
      assert.deepEqual([header['alg'], header['typ'], typeof header['kid']], ['ES256', 'at+jwt', 'string']);
      assert.deepEqual([claims['iss'], claims['sub'], claims['aud'], claims['client_id'], claims['tid'], claims['scope']], ['http://keyway.test', id.user.id, id.client.id, id.client.id, h.tenantId, 'openid profile email']);
      assert.equal(Number(claims['exp']) - Number(claims['iat']), 900);
      assert.equal(typeof claims['jti'], 'string');
      const family = await h.store.db.selectFrom('token_families').selectAll().where('id', '=', String(claims['sid'])).executeTakeFirstOrThrow();
      assert.equal(family.user_id, id.user.id);

      const idToken = jwtPart(body.id_token ?? '', 1);
      assert.deepEqual([idToken['iss'], idToken['sub'], idToken['aud'], idToken['nonce'], idToken['auth_time']], ['http://keyway.test', id.user.id, id.client.id, 'n-0S6_WzA2Mj', Math.floor(h.clock.now / 1000)]);
      const digest = createHash('sha256').update(body.access_token).digest();
      assert.equal(idToken['at_hash'], digest.subarray(0, 16).toString('base64url'));
    });

    it('stores the refresh token and the code only as SHA-256 digests', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const body = (await (await exchangeCode(h, id.client, code)).json()) as TokenJson;
      const sha = (value: string) => createHash('sha256').update(value).digest('hex');
      assert.ok(await h.store.db.selectFrom('authorization_codes').select('id').where('code_hash', '=', sha(code)).executeTakeFirst());
      assert.ok(await h.store.db.selectFrom('refresh_tokens').select('id').where('token_hash', '=', sha(body.refresh_token ?? '')).executeTakeFirst());
    });

    it('accepts seed 001’s JSON body and HTTP Basic alike', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const json = await postJson(h.app, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: id.client.id, client_secret: id.client.secret });
      assert.equal(json.status, 200);
      const again = await issueCode(h, { user: id.user, client: id.client });
      const viaBasic = await postForm(h.app, '/oauth2/token', { grant_type: 'authorization_code', code: again, redirect_uri: REDIRECT_URI }, { authorization: basic(id.client) });
      assert.equal(viaBasic.status, 200);
    });

    it('gives no ID token without openid, and no refresh token to a client without the refresh_token grant', async () => {
      const codeOnly = await registerClient(h, { grantTypes: ['authorization_code'] });
      const code = await issueCode(h, { user: id.user, client: codeOnly, scope: 'profile' });
      const body = (await (await exchangeCode(h, codeOnly, code)).json()) as TokenJson;
      assert.equal(body.id_token, undefined);
      assert.equal(body.refresh_token, undefined);
      assert.equal(body.scope, 'profile');
    });

    it('refuses a wrong secret sent in the form with 401 invalid_client', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const response = await exchangeCode(h, { id: id.client.id, secret: 'kwcs_wrong' }, code);
      await oauthError(response, 401, 'invalid_client', 'invalid_client_credentials');
      assert.equal(response.headers.get('www-authenticate'), null);
    });

    it('refuses a wrong secret sent with HTTP Basic with 401 and a Basic challenge', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const response = await postForm(h.app, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: basic(id.client, 'kwcs_wrong') });
      await oauthError(response, 401, 'invalid_client');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="keyway"/);
      const garbled = await postForm(h.app, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: 'Basic !!!' });
      await oauthError(garbled, 401, 'invalid_client');
    });

    it('refuses unknown clients, missing client authentication and two authentication methods at once', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      await oauthError(await exchangeCode(h, { id: 'kwc_nobody', secret: 'x' }, code), 401, 'invalid_client');
      await oauthError(await postForm(h.app, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }), 401, 'invalid_client', 'client_authentication_required');
      const both = await postForm(h.app, '/oauth2/token', withSecret(id.client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }), { authorization: basic(id.client) });
      await oauthError(both, 400, 'invalid_request', 'multiple_client_authentications');
      // A confidential client cannot pass as public by leaving its secret out.
      await oauthError(await postForm(h.app, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: id.client.id }), 401, 'invalid_client');
      assert.equal((await exchangeCode(h, id.client, code)).status, 200, 'the failures did not spend the code');
    });

    it('answers malformed requests with invalid_request, unknown grants with unsupported_grant_type, forbidden ones with unauthorized_client', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const twice = `${new URLSearchParams(withSecret(id.client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }))}&code=${code}`;
      await oauthError(await h.app.request('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: twice }), 400, 'invalid_request', 'duplicate_parameter');
      await oauthError(await h.app.request('/oauth2/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=x' }), 400, 'invalid_request', 'unsupported_media_type');
      await oauthError(await h.app.request('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' }), 400, 'invalid_request', 'invalid_json');
      await oauthError(await postJson(h.app, '/oauth2/token', { grant_type: 'authorization_code', code: 42 }), 400, 'invalid_request');
      await oauthError(await postForm(h.app, '/oauth2/token', withSecret(id.client, { code })), 400, 'invalid_request', 'missing_parameter');
      await oauthError(await postForm(h.app, '/oauth2/token', withSecret(id.client, { grant_type: 'authorization_code', code })), 400, 'invalid_request', 'missing_parameter');
      await oauthError(await postForm(h.app, '/oauth2/token', withSecret(id.client, { grant_type: 'client_credentials' })), 400, 'unsupported_grant_type');
      const refreshOnly = await registerClient(h, { grantTypes: ['password', 'refresh_token'] });
      await oauthError(await exchangeCode(h, refreshOnly, code), 400, 'unauthorized_client');
    });

    it('refuses a redirect_uri other than the code’s, registered or not', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      await oauthError(await exchangeCode(h, id.client, code, { redirect_uri: OTHER_REDIRECT_URI }), 400, 'invalid_grant', 'redirect_uri_mismatch');
      await oauthError(await exchangeCode(h, id.client, code, { redirect_uri: 'https://evil.test/callback' }), 400, 'invalid_grant', 'redirect_uri_mismatch');
      await oauthError(await exchangeCode(h, id.client, code, { redirect_uri: `${REDIRECT_URI}/` }), 400, 'invalid_grant', 'redirect_uri_mismatch');
    });

    it('refuses a code used twice and revokes what the first exchange issued, although the replay fails', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      const first = (await (await exchangeCode(h, id.client, code)).json()) as TokenJson;
      assert.equal((await bearer(h.app, '/users/self', first.access_token)).status, 200);
      await oauthError(await exchangeCode(h, id.client, code), 400, 'invalid_grant', 'code_reused');
      const sid = String(jwtPart(first.access_token, 1)['sid']);
      const family = await h.store.db.selectFrom('token_families').selectAll().where('id', '=', sid).executeTakeFirstOrThrow();
      assert.equal(family.revoked_reason, 'authorization_code_reused');
      await oauthError(await refresh(h, id.client, first.refresh_token ?? ''), 400, 'invalid_grant', 'session_revoked');
      assert.equal((await bearer(h.app, '/users/self', first.access_token)).status, 401);
      // Replayed again after it expired: still a replay.
      h.clock.advance(120_000);
      await oauthError(await exchangeCode(h, id.client, code), 400, 'invalid_grant', 'code_reused');
    });

    it('refuses another client’s code, which stays usable by its own client', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      await oauthError(await exchangeCode(h, id.otherClient, code), 400, 'invalid_grant', 'code_unknown');
      assert.equal((await exchangeCode(h, id.client, code)).status, 200);
      await oauthError(await exchangeCode(h, id.client, 'not-a-code'), 400, 'invalid_grant', 'code_unknown');
    });

    it('refuses an expired code', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      h.clock.advance(60_000);
      await oauthError(await exchangeCode(h, id.client, code), 400, 'invalid_grant', 'code_expired');
    });

    it('checks PKCE (S256): a wrong or missing verifier fails, the right one passes', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await issueCode(h, { user: id.user, client: id.client, challenge });
      await oauthError(await exchangeCode(h, id.client, code), 400, 'invalid_grant', 'pkce_failed');
      await oauthError(await exchangeCode(h, id.client, code, { code_verifier: pkcePair().verifier }), 400, 'invalid_grant', 'pkce_failed');
      await oauthError(await exchangeCode(h, id.client, code, { code_verifier: 'short' }), 400, 'invalid_grant', 'pkce_failed');
      assert.equal((await exchangeCode(h, id.client, code, { code_verifier: verifier })).status, 200);
    });

    it('refuses a verifier for a code without a challenge', async () => {
      const code = await issueCode(h, { user: id.user, client: id.client });
      await oauthError(await exchangeCode(h, id.client, code, { code_verifier: pkcePair().verifier }), 400, 'invalid_grant', 'pkce_unexpected');
    });

    it('lets a public client in by client_id alone, but only with PKCE', async () => {
      const plain = await issueCode(h, { user: id.user, client: id.publicClient });
      await oauthError(await exchangeCode(h, id.publicClient, plain), 400, 'invalid_grant', 'pkce_required');
      const { verifier, challenge } = pkcePair();
      const code = await issueCode(h, { user: id.user, client: id.publicClient, challenge });
      const response = await exchangeCode(h, id.publicClient, code, { code_verifier: verifier });
      assert.equal(response.status, 200);
      const withSecretToo = await issueCode(h, { user: id.user, client: id.publicClient, challenge });
      await oauthError(await exchangeCode(h, { id: id.publicClient.id, secret: 'made-up' }, withSecretToo, { code_verifier: verifier }), 401, 'invalid_client');
    });

    it('refuses a code whose user was deactivated', async () => {
      const user = await createTestUser(h);
      const code = await issueCode(h, { user, client: id.client });
      await h.store.db.updateTable('users').set({ status: 'INACTIVE' }).where('id', '=', user.id).execute();
      await oauthError(await exchangeCode(h, id.client, code), 400, 'invalid_grant', 'user_inactive');
    });

    it('keeps tenants apart: a client of another tenant cannot exchange this tenant’s code', async () => {
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now });
      const foreign = await registerClient(h, { tenantId: other.tenantId });
      const code = await issueCode(h, { user: id.user, client: id.client });
      await oauthError(await exchangeCode(h, foreign, code), 400, 'invalid_grant');
    });
  });

  describe(`POST /oauth2/token, client authentication limit (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('answers 429 with Retry-After once an address has sent too many wrong client secrets, while a right secret still works', async () => {
      const id = await createIdentity(h);
      const { points } = DEFAULT_LIMITS.client_auth_failures;
      for (let n = 0; n < points; n += 1) await oauthError(await refresh(h, { id: id.client.id, secret: 'wrong' }, 'x'), 401, 'invalid_client');
      const over = await postForm(h.app, '/oauth2/introspect', { token: 'x' }, { authorization: basic(id.client, 'wrong') });
      await oauthError(over, 429, 'invalid_client', 'rate_limited');
      assert.ok(Number(over.headers.get('retry-after')) > 0);
      const code = await issueCode(h, { user: id.user, client: id.client });
      assert.equal((await exchangeCode(h, id.client, code)).status, 200);
    });
  });
}
