import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { basic, bearer, createTestUser, jwtPart, registerClient, type OAuthErrorJson, type TestClient, type TokenJson } from './oauth2-fixtures.js';
import {
  failureRows,
  GOOD_PASSWORD,
  passwordBody,
  passwordClient,
  SEED_DATA_FIELDS,
  SEED_PASSWORD_ANSWER_FIELDS,
  SEED_PASSWORD_REQUEST,
  SEED_REFRESH_ANSWER_FIELDS,
  SEED_REFRESH_REQUEST,
  seedBody,
  sessionCount,
  tokenRequest,
  userWithPassword,
} from './password-fixtures.js';

announceSkips();

async function oauthError(response: Response, status: number, error: string, code?: string): Promise<OAuthErrorJson> {
  const body = (await response.json()) as OAuthErrorJson;
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error, error);
  if (code) assert.equal(body.code, code);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return body;
}

/** Only the seed's fields, plus RFC 6749's `scope` and OpenID Connect's `id_token`. */
function assertSeedShape(body: Record<string, unknown>, seedFields: string[]): void {
  for (const field of seedFields) assert.ok(field in body, `the answer lacks the seed's ${field}`);
  assert.deepEqual(Object.keys(body).filter((field) => !seedFields.includes(field)).sort(), ['id_token', 'scope'].filter((field) => field in body));
}

for (const dialect of dialects()) {
  describe(`POST /oauth2/token, password (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    before(async () => {
      h = await createHarness(dialect.url as string);
      client = await passwordClient(h);
    });
    after(() => h.close());

    const seedPassword = (email: string, password = GOOD_PASSWORD, as: TestClient = client) =>
      seedBody(SEED_PASSWORD_REQUEST, { client_id: as.id, client_secret: as.secret ?? '', username: email, password });

    it('answers seed 001’s password request, sent as the seed prints it, with the seed’s fields and the user as data', async () => {
      const user = await userWithPassword(h);
      const response = await tokenRequest(h, seedPassword(user.email));
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as TokenJson & Record<string, unknown>;
      assertSeedShape(body, SEED_PASSWORD_ANSWER_FIELDS);
      assert.deepEqual([body.code, body.token_type, body.expires_in, body.scope], ['OK', 'Bearer', 900, 'openid']);
      const data = body.data ?? {};
      const extra = Object.keys(data).filter((field) => !SEED_DATA_FIELDS.includes(field));
      assert.deepEqual(extra, [], 'data holds only seed field names');
      for (const field of ['type', 'id', 'email', 'first_name', 'last_name', 'display_name', 'user_status', 'user_type', 'email_confirmed', 'mfa_enabled', 'has_password', 'created_at', 'updated_at']) assert.ok(field in data, field);
      assert.deepEqual([data['type'], data['id'], data['email'], data['user_status'], data['has_password'], data['email_confirmed']], ['user', user.id, user.email, 'Active', true, false]);
      assert.equal(typeof data['created_at'], 'number');

      const claims = jwtPart(body.access_token, 1);
      const family = await h.store.db.selectFrom('token_families').selectAll().where('id', '=', String(claims['sid'])).executeTakeFirstOrThrow();
      assert.deepEqual([family.user_id, family.client_id, family.auth_method, family.mfa_validated], [user.id, client.id, 'password', 0]);
      const self = await bearer(h.app, '/users/self', body.access_token);
      assert.equal(((await self.json()) as { data: { id: string } }).data.id, user.id);
    });

    it('answers seed 001’s refresh request, sent as the seed prints it, with the seed’s refresh fields', async () => {
      const user = await userWithPassword(h);
      const signedIn = (await (await tokenRequest(h, seedPassword(user.email))).json()) as TokenJson;
      const body = seedBody(SEED_REFRESH_REQUEST, { refresh_token: signedIn.refresh_token ?? '', client_id: client.id, client_secret: client.secret ?? '' });
      const response = await tokenRequest(h, body);
      assert.equal(response.status, 200, await response.clone().text());
      const refreshed = (await response.json()) as TokenJson & Record<string, unknown>;
      assertSeedShape(refreshed, SEED_REFRESH_ANSWER_FIELDS);
      assert.equal('data' in refreshed, false);
      assert.notEqual(refreshed.refresh_token, signedIn.refresh_token);
    });

    it('takes the same request form-encoded and with HTTP Basic, the email in any case, and a narrower scope', async () => {
      const user = await userWithPassword(h);
      const form = await tokenRequest(h, JSON.parse(seedPassword(user.email.toUpperCase())) as Record<string, string>, { form: true });
      assert.equal(form.status, 200, await form.clone().text());
      assert.equal(((await form.json()) as TokenJson).data?.['id'], user.id);
      const viaBasic = await tokenRequest(h, { grant_type: 'password', username: ` ${user.email} `, password: GOOD_PASSWORD, scope: 'profile email' }, { form: true, headers: { authorization: basic(client) } });
      const body = (await viaBasic.json()) as TokenJson;
      assert.equal(viaBasic.status, 200, JSON.stringify(body));
      assert.deepEqual([body.scope, body.id_token], ['profile email', undefined]);
    });

    it('gives a wrong password, an unknown user, one without a password and an inactive one the same invalid_grant', async () => {
      const user = await userWithPassword(h);
      const inactive = await userWithPassword(h);
      await h.app.request(`/api/v1/users/${inactive.id}/status`, { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'INACTIVE' }) });
      const passwordless = await createTestUser(h);
      const answers = [];
      for (const [email, password] of [[user.email, 'wrong horse battery staple'], ['nobody@acme.test', GOOD_PASSWORD], [passwordless.email, GOOD_PASSWORD], [inactive.email, GOOD_PASSWORD]] as const) {
        answers.push(await oauthError(await tokenRequest(h, seedPassword(email, password)), 400, 'invalid_grant', 'invalid_credentials'));
      }
      for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
    });

    it('refuses bad client credentials and clients without the password grant before any password is checked, changing nothing', async () => {
      const user = await userWithPassword(h);
      const authorizationCodeOnly = await registerClient(h, { grantTypes: ['authorization_code', 'refresh_token'] });
      const verify = mock.method(h.services.passwords.hasher, 'verify');
      const [failures, sessions] = [await failureRows(h), await sessionCount(h)];
      try {
        const seedJson = JSON.parse(seedPassword(user.email)) as Record<string, string>;
        await oauthError(await tokenRequest(h, { ...seedJson, client_secret: 'kwcs_wrong' }), 401, 'invalid_client', 'invalid_client_credentials');
        await oauthError(await tokenRequest(h, { ...seedJson, client_id: 'no-such-client' }), 401, 'invalid_client');
        const { client_id: _id, client_secret: _secret, ...anonymous } = seedJson;
        await oauthError(await tokenRequest(h, anonymous), 401, 'invalid_client', 'client_authentication_required');
        await oauthError(await tokenRequest(h, seedPassword(user.email, GOOD_PASSWORD, authorizationCodeOnly)), 400, 'unauthorized_client');
        await oauthError(await tokenRequest(h, passwordBody(client, user.email, GOOD_PASSWORD, { username: '' })), 400, 'invalid_request', 'missing_parameter');
        await oauthError(await tokenRequest(h, passwordBody(client, user.email, '')), 400, 'invalid_request', 'missing_parameter');
        await oauthError(await tokenRequest(h, passwordBody(client, user.email, 'x'.repeat(1025))), 400, 'invalid_request', 'parameter_too_long');
        await oauthError(await tokenRequest(h, passwordBody(client, user.email, GOOD_PASSWORD, { scope: 'openid admin' })), 400, 'invalid_scope');
        assert.equal(verify.mock.callCount(), 0);
        assert.deepEqual([await failureRows(h), await sessionCount(h)], [failures, sessions]);
      } finally {
        verify.mock.restore();
      }
    });

    it('logs neither the password nor the client secret, whatever the outcome', async () => {
      const user = await userWithPassword(h);
      const lines: string[] = [];
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => mock.method(console, level, (...args: unknown[]) => lines.push(args.map(String).join(' '))));
      try {
        await tokenRequest(h, seedPassword(user.email));
        await tokenRequest(h, seedPassword(user.email, 'wrong horse battery staple'));
        await tokenRequest(h, seedPassword('nobody@acme.test', 'unknown horse battery'));
      } finally {
        for (const spy of spies) spy.mock.restore();
      }
      const logged = lines.join('\n');
      for (const secret of [GOOD_PASSWORD, 'wrong horse battery staple', 'unknown horse battery', client.secret ?? '']) assert.equal(logged.includes(secret), false);
    });

    it('queues USER_SIGNED_IN with method password for the tenant’s webhook', async () => {
      await h.app.request('/api/v1/webhook', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://app.acme.test/hooks/identity' }) });
      const user = await userWithPassword(h);
      assert.equal((await tokenRequest(h, seedPassword(user.email))).status, 200);
      const events = (await h.store.db.selectFrom('webhook_outbox').select('body').execute()).map((row) => JSON.parse(row.body) as Record<string, unknown>);
      const event = events.find((candidate) => candidate['user_id'] === user.id);
      assert.deepEqual([event?.['status'], event?.['method'], event?.['client_id']], ['USER_SIGNED_IN', 'password', client.id]);
    });
  });
}
