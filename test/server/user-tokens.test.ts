import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { loadConfig } from '../../src/server/config.js';
import { createApp } from '../../src/server/app.js';
import { USER_TOKEN_TYPE } from '../../src/server/identity/user-tokens.js';
import { DEFAULT_LIMITS } from '../../src/server/security/rate-limits.js';
import { openStore } from '../../src/server/store/database.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, PUBLIC_URL, postJson, type Harness } from './harness.js';
import { keywayEnv, removeDataDir, runKeywayCli } from './keyway-process.js';
import { jwtPart } from './oauth2-fixtures.js';

announceSkips();

type Json = Record<string, unknown>;
type ErrorJson = { error: { code: string; message: string; details?: Json } };
// The seed's call, byte for byte.
const SEED_BODY = '{ "email": "user_email@gmail.com", "uid": "12345678910" }';

async function privateTokenKey(h: Harness): Promise<string> {
  return (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', now: h.clock.now })).apiKey;
}

function mintWith(h: Harness, body: unknown, headers: Record<string, string>): Promise<Response> {
  return postJson(h.app, '/api/v1/user/token', body, headers);
}

for (const dialect of dialects()) {
  describe(`user tokens: minting (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    let emails = 0;
    const nextEmail = () => `person${(emails += 1)}@acme.test`;
    const mint = (body: unknown, key = privateKey) => mintWith(h, body, { authorization: `Bearer ${key}` });
    const users = () => h.store.db.selectFrom('users').selectAll().execute();
    const tokenRows = () => h.store.db.selectFrom('user_tokens').selectAll().execute();
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = await privateTokenKey(h);
    });
    after(() => h.close());

    it('answers the seed’s call with exactly {status, userID, token}, creating the user on first use', async () => {
      const response = await h.app.request('/api/v1/user/token', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${privateKey}` }, body: SEED_BODY });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as { status: string; userID: string; token: string };
      assert.deepEqual(Object.keys(body).sort(), ['status', 'token', 'userID']);
      assert.equal(body.status, 'success');
      assert.match(body.token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
      const user = (await (await h.app.request(`/api/v1/users/${body.userID}`, { headers: { 'x-api-key': h.apiKey } })).json()) as Json;
      assert.deepEqual([user['email'], user['first_name'], user['last_name'], user['status']], ['user_email@gmail.com', 'user_email', '', 'ACTIVE']);
      const stored = await h.store.db.selectFrom('users').select('uid_hash').where('id', '=', body.userID).executeTakeFirstOrThrow();
      assert.match(stored.uid_hash ?? '', /^scrypt\$16384\$8\$5\$[\w-]{22}\$[\w-]{43}$/, 'the uid is kept only as a slow salted hash');
    });

    it('signs an ES256 token of its own type and audience, published in the JWKS, for 10 minutes by default, naming no email or uid', async () => {
      const email = nextEmail();
      const { token, userID } = (await (await mint({ email, uid: 'secret-1' })).json()) as { token: string; userID: string };
      const header = jwtPart(token, 0);
      const claims = jwtPart(token, 1);
      assert.deepEqual([header['alg'], header['typ']], ['ES256', USER_TOKEN_TYPE]);
      assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'sub', 'tid']);
      assert.deepEqual([claims['iss'], claims['aud'], claims['sub'], claims['tid']], [PUBLIC_URL, `${PUBLIC_URL}/login`, userID, h.tenantId]);
      assert.equal(Number(claims['exp']) - Number(claims['iat']), 600);
      const jwks = (await (await h.app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], issuer: PUBLIC_URL, audience: `${PUBLIC_URL}/login`, typ: USER_TOKEN_TYPE });
      assert.equal(payload.sub, userID);
      const row = (await tokenRows()).find((candidate) => candidate.user_id === userID);
      assert.deepEqual([row?.tenant_id, row?.used_at, Number(row?.expires_at)], [h.tenantId, null, Number(claims['exp']) * 1000]);
    });

    it('gives the same user for the same uid on later calls, whatever the email’s case, with a new token each time', async () => {
      const email = nextEmail();
      const first = (await (await mint({ email, uid: 'Uid with spaces ' })).json()) as { token: string; userID: string };
      const second = (await (await mint({ email: email.toUpperCase(), uid: 'Uid with spaces ' })).json()) as { token: string; userID: string };
      assert.equal(second.userID, first.userID);
      assert.notEqual(second.token, first.token);
      assert.equal((await users()).filter((user) => user.email_key === email).length, 1);
    });

    it('refuses a different uid for a known email with 401 uid_mismatch, minting nothing, and counts it for the user and the address', async () => {
      const email = nextEmail();
      const { userID } = (await (await mint({ email, uid: 'right' })).json()) as { userID: string };
      const before = (await tokenRows()).length;
      const response = await mint({ email, uid: 'wrong' });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as ErrorJson).error.code, 'uid_mismatch');
      assert.equal((await tokenRows()).length, before);
      const counters = await h.store.db.selectFrom('rate_limits').select(['key', 'points']).execute();
      assert.equal(counters.find((row) => row.key === `uid_user_failures:${userID}`)?.points, 1);
      assert.ok((counters.find((row) => row.key === 'uid_failures:unknown')?.points ?? 0) >= 1);
    });

    it('binds the uid of the first token to a user the users API made, then holds to it', async () => {
      const email = nextEmail();
      const created = (await (await postJson(h.app, '/api/v1/users', { first_name: 'Jo', last_name: 'Doe', email }, { 'x-api-key': h.apiKey })).json()) as { id: string };
      const first = (await (await mint({ email, uid: 'bound' })).json()) as { userID: string };
      assert.equal(first.userID, created.id);
      assert.equal((await mint({ email, uid: 'other' })).status, 401);
      assert.equal((await mint({ email, uid: 'bound' })).status, 200);
    });

    it('refuses an INACTIVE user with 409 user_inactive after the uid checks out', async () => {
      const email = nextEmail();
      const { userID } = (await (await mint({ email, uid: 'u' })).json()) as { userID: string };
      await h.app.request(`/api/v1/users/${userID}/status`, { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'INACTIVE' }) });
      const before = (await tokenRows()).length;
      const response = await mint({ email, uid: 'u' });
      assert.equal(response.status, 409);
      assert.equal(((await response.json()) as ErrorJson).error.code, 'user_inactive');
      assert.equal((await mint({ email, uid: 'not-u' })).status, 401, 'a wrong uid learns nothing of the status');
      assert.equal((await tokenRows()).length, before);
    });

    it('refuses bodies that are not {email, uid} with a 4xx naming the problem, creating nothing', async () => {
      const count = (await users()).length;
      for (const [body, status, pattern] of [
        [{ email: nextEmail() }, 422, /uid/],
        [{ email: nextEmail(), uid: '' }, 422, /uid: must not be empty/],
        [{ email: 'not an email', uid: 'x' }, 422, /email/],
        [{ email: nextEmail(), uid: 'x'.repeat(1025) }, 422, /at most 1024/],
        [{ email: nextEmail(), uid: 12345678910 }, 422, /uid/],
        [{ email: nextEmail(), uid: 'x', first_name: 'Jo' }, 422, /unknown field: first_name/],
      ] as const) {
        const response = await mint(body);
        assert.equal(response.status, status, JSON.stringify(body));
        assert.match(((await response.json()) as ErrorJson).error.message, pattern);
      }
      const notJson = await h.app.request('/api/v1/user/token', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${privateKey}` }, body: '{"email":' });
      assert.equal(notJson.status, 400);
      const form = await h.app.request('/api/v1/user/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${privateKey}` }, body: 'email=a@b.c&uid=1' });
      assert.equal(form.status, 415);
      assert.equal((await users()).length, count);
    });

    it('takes only the private token key, as Bearer: an API key (either way), X-API-KEY, garbage and revoked keys get 401', async () => {
      const body = { email: nextEmail(), uid: 'x' };
      const revoked = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', label: 'old', now: h.clock.now })).apiKey;
      await h.store.db.updateTable('api_keys').set({ revoked_at: h.clock.now }).where('label', '=', 'old').execute();
      for (const [name, headers, code] of [
        ['an API key as Bearer', { authorization: `Bearer ${h.apiKey}` }, 'invalid_private_token_key'],
        ['an API key as X-API-KEY', { 'x-api-key': h.apiKey }, 'missing_private_token_key'],
        ['the private key as X-API-KEY', { 'x-api-key': privateKey }, 'missing_private_token_key'],
        ['no key', {}, 'missing_private_token_key'],
        ['garbage', { authorization: 'Bearer kwpt_garbage' }, 'invalid_private_token_key'],
        ['Basic', { authorization: `Basic ${Buffer.from(`x:${privateKey}`).toString('base64')}` }, 'missing_private_token_key'],
        ['a revoked key', { authorization: `Bearer ${revoked}` }, 'invalid_private_token_key'],
      ] as const) {
        const response = await mintWith(h, body, headers);
        assert.equal(response.status, 401, name);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="keyway"/, name);
        assert.equal(((await response.json()) as ErrorJson).error.code, code, name);
      }
      const asApiKey = (await (await mintWith(h, body, { authorization: `Bearer ${h.apiKey}` })).json()) as ErrorJson;
      assert.match(asApiKey.error.message, /This is an API key/);
      assert.equal((await users()).filter((user) => user.email_key === body.email).length, 0);
    });

    it('keeps a private token key out of every X-API-KEY endpoint', async () => {
      for (const path of ['/api/v1/users', '/api/v1/accounts', '/api/v1/user/token/settings', '/api/v1/webhook']) {
        const response = await h.app.request(path, { headers: { 'x-api-key': privateKey } });
        assert.equal(response.status, 401, path);
        const { error } = (await response.json()) as ErrorJson;
        assert.equal(error.code, 'invalid_api_key');
        assert.match(error.message, /private token key/);
      }
    });

    it('sets the tenant’s lifetime between 60 s and an hour with the API key; null goes back to 10 minutes', async () => {
      const put = (body: unknown, headers: Record<string, string> = { 'x-api-key': h.apiKey }) =>
        h.app.request('/api/v1/user/token/settings', { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const get = async () => (await (await h.app.request('/api/v1/user/token/settings', { headers: { 'x-api-key': h.apiKey } })).json()) as Json;
      const lifetime = async () => {
        const { token } = (await (await mint({ email: nextEmail(), uid: 'x' })).json()) as { token: string };
        const claims = jwtPart(token, 1);
        return Number(claims['exp']) - Number(claims['iat']);
      };
      assert.deepEqual(await get(), { ttl_seconds: 600, default: true });
      for (const bad of [59, 3601, 90.5, '600', -1]) assert.equal((await put({ ttl_seconds: bad })).status, 422, String(bad));
      assert.equal((await put({})).status, 422);
      assert.equal((await put({ ttl_seconds: 120, extra: 1 })).status, 422);
      assert.equal((await put({ ttl_seconds: 120 }, { authorization: `Bearer ${privateKey}` })).status, 401, 'the private token key does not change settings');
      assert.deepEqual(await get(), { ttl_seconds: 600, default: true }, 'refusals changed nothing');
      const set = await put({ ttl_seconds: 3600 });
      assert.equal(set.status, 200);
      assert.deepEqual(await set.json(), { ttl_seconds: 3600, default: false });
      assert.equal(await lifetime(), 3600);
      assert.equal((await put({ ttl_seconds: 60 })).status, 200);
      assert.equal(await lifetime(), 60);
      assert.deepEqual(await (await put({ ttl_seconds: null })).json(), { ttl_seconds: 600, default: true });
      assert.equal(await lifetime(), 600);
    });

    it('is in the OpenAPI document with its own Bearer scheme', async () => {
      const document = (await (await h.app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
      assert.deepEqual(document.paths['/api/v1/user/token']?.['post']?.security, [{ privateTokenKey: [] }]);
      assert.deepEqual(Object.keys(document.paths['/api/v1/user/token/settings'] ?? {}).sort(), ['get', 'put']);
    });

    it('logs neither the key, the uid nor the token', async () => {
      const lines: string[] = [];
      const errors: unknown[] = [];
      const consoleError = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        const app = createApp(h.services, { log: (line) => lines.push(line) });
        const email = nextEmail();
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${privateKey}` };
        const ok = await app.request('/api/v1/user/token', { method: 'POST', headers, body: JSON.stringify({ email, uid: 'uid-in-no-log' }) });
        const { token } = (await ok.json()) as { token: string };
        await app.request('/api/v1/user/token', { method: 'POST', headers, body: JSON.stringify({ email, uid: 'wrong-uid-in-no-log' }) });
        await app.request('/api/v1/user/token', { method: 'POST', headers: { ...headers, authorization: `Bearer ${h.apiKey}` }, body: '{}' });
        const log = lines.join('\n');
        assert.match(log, /POST \/api\/v1\/user\/token 200/);
        assert.match(log, /POST \/api\/v1\/user\/token 401/);
        const errorText = JSON.stringify(errors);
        for (const secret of [privateKey, h.apiKey, 'uid-in-no-log', token, email]) assert.ok(!log.includes(secret) && !errorText.includes(secret));
        assert.doesNotMatch(errorText, /unexpected error/, 'no request failed on Keyway’s side');
      } finally {
        console.error = consoleError;
      }
    });
  });

  describe(`user tokens: limits (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    const mint = (body: unknown, key = privateKey) => mintWith(h, body, { authorization: `Bearer ${key}` });
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = await privateTokenKey(h);
    });
    after(() => h.close());

    it('locks a user out after too many wrong uids, with 429 and Retry-After even for the right uid, and leaves other users be', async () => {
      const { points } = DEFAULT_LIMITS.uid_user_failures;
      await mint({ email: 'target@acme.test', uid: 'right' });
      for (let n = 0; n < points; n += 1) assert.equal((await mint({ email: 'target@acme.test', uid: `guess-${n}` })).status, 401, `guess ${n + 1}`);
      const locked = await mint({ email: 'target@acme.test', uid: 'right' });
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
      const { error } = (await locked.json()) as ErrorJson;
      assert.deepEqual([error.code, error.details?.['limit']], ['rate_limited', 'uid_user_failures']);
      assert.equal((await mint({ email: 'bystander@acme.test', uid: 'x' })).status, 200);
    });

    it('counts wrong private token keys against the address like wrong API keys', async () => {
      const { points } = DEFAULT_LIMITS.api_key_failures;
      for (let n = 0; n < points; n += 1) assert.equal((await mint({ email: 'a@acme.test', uid: 'x' }, `kwpt_${'a'.repeat(12)}_${'b'.repeat(43)}`)).status, 401);
      const limited = await mint({ email: 'a@acme.test', uid: 'x' }, h.apiKey);
      assert.equal(limited.status, 429);
      assert.equal(((await limited.json()) as ErrorJson).error.details?.['limit'], 'api_key_failures');
      assert.equal((await mint({ email: 'bystander@acme.test', uid: 'x' })).status, 200, 'the right key is never held up');
    });
  });
}

describe('keyway keys create --kind', () => {
  let env: NodeJS.ProcessEnv;
  before(() => {
    env = keywayEnv();
  });
  after(() => removeDataDir(env));

  it('makes a private token key with --kind private-token, an API key by default, and refuses other kinds with exit 2', async () => {
    const privateRun = await runKeywayCli(env, ['keys', 'create', '--tenant', 'acme', '--kind', 'private-token']);
    assert.equal(privateRun.code, 0, privateRun.stderr);
    const privateKey = /^Private token key: (kwpt_\S+)/m.exec(privateRun.stdout)?.[1] ?? '';
    assert.match(privateKey, /^kwpt_[\w-]{12}_[\w-]{43}$/);
    assert.doesNotMatch(privateRun.stdout, /^API key:/m);
    const apiRun = await runKeywayCli(env, ['keys', 'create', '--tenant', 'acme']);
    assert.match(apiRun.stdout, /^API key: kw_[\w-]{12}_[\w-]{43}$/m);
    const store = await openStore({ url: loadConfig(env).config.databaseUrl });
    try {
      const kinds = (await store.db.selectFrom('api_keys').select('kind').orderBy('created_at').execute()).map((row) => row.kind);
      assert.deepEqual(kinds.sort(), ['api', 'private_token']);
    } finally {
      await store.close();
    }
    const refused = await runKeywayCli(env, ['keys', 'create', '--tenant', 'acme', '--kind', 'browser']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--kind must be api or private-token, not "browser"/);
    assert.equal((await runKeywayCli(env, ['keys', 'create', '--tenant', 'acme', '--kinds', 'api'])).code, 2, 'an unknown option is a usage error too');
  });
});
