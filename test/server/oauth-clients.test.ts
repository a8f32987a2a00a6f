import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { authenticateClient, defaultClient } from '../../src/server/identity/clients.js';
import { newId, sha256 } from '../../src/server/security/tokens.js';
import { openStore } from '../../src/server/store/database.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { createKeyWithCli, keywayEnv, removeDataDir, runKeywayCli } from './keyway-process.js';

announceSkips();

type ErrorJson = { error: { code: string; message: string } };
type ClientJson = { object: string; client_id: string; client_secret?: string; name: string; redirect_uris: string[]; grant_types: string[]; public: boolean; created_at: string };

const CLIENT_ID = /^kwc_[A-Za-z0-9_-]{22}$/;
const CLIENT_SECRET = /^kwcs_[A-Za-z0-9_-]{43}$/;

for (const dialect of dialects()) {
  describe(`OAuth clients API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let otherKey: string;
    let otherTenantId: string;

    const call = (method: string, path: string, body?: unknown, key = h.apiKey) =>
      Promise.resolve(
        h.app.request(path, {
          method,
          headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    const register = async (body: Record<string, unknown>, key = h.apiKey): Promise<ClientJson> => {
      h.clock.advance(1000);
      const response = await call('POST', '/api/v1/oauth/clients', body, key);
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as ClientJson;
    };
    const clientCount = async () => Number((await h.store.db.selectFrom('oauth_clients').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const clientRow = (id: string) => h.store.db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    before(async () => {
      h = await createHarness(dialect.url as string);
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now });
      otherKey = other.apiKey;
      otherTenantId = other.tenantId;
    });
    after(() => h.close());

    it('registers a confidential client: the secret is shown once and stored only as its SHA-256', async () => {
      const client = await register({ name: 'Acme web', redirect_uris: ['https://app.acme.test/callback'] });
      assert.deepEqual(Object.keys(client).sort(), ['client_id', 'client_secret', 'created_at', 'grant_types', 'name', 'object', 'public', 'redirect_uris']);
      assert.equal(client.object, 'OAuthClient');
      assert.match(client.client_id, CLIENT_ID);
      assert.match(client.client_secret ?? '', CLIENT_SECRET);
      assert.deepEqual([client.name, client.redirect_uris, client.grant_types, client.public], ['Acme web', ['https://app.acme.test/callback'], ['authorization_code', 'refresh_token'], false]);
      assert.equal(client.created_at, new Date(h.clock.now).toISOString());

      const row = await clientRow(client.client_id);
      assert.equal(row.secret_hash, sha256(client.client_secret as string));
      assert.ok(!JSON.stringify(row).includes(client.client_secret as string));

      const read = (await (await call('GET', `/api/v1/oauth/clients/${client.client_id}`)).json()) as ClientJson;
      const { client_secret: _shownOnce, ...withoutSecret } = client;
      assert.deepEqual(read, withoutSecret);
    });

    it('registers a public client with no secret', async () => {
      const client = await register({ name: 'Acme mobile', redirect_uris: ['http://127.0.0.1:8123/cb'], public: true });
      assert.equal(client.public, true);
      assert.ok(!('client_secret' in client));
      assert.equal((await clientRow(client.client_id)).secret_hash, null);
    });

    it('lists the tenant’s active clients newest first without secrets; another tenant sees none of them', async () => {
      const first = await register({ name: 'First', redirect_uris: ['https://one.acme.test/cb'], grant_types: ['password', 'refresh_token'] });
      const second = await register({ name: 'Second', redirect_uris: ['https://two.acme.test/cb'] });
      const response = await call('GET', '/api/v1/oauth/clients');
      assert.equal(response.status, 200);
      const list = (await response.json()) as { object: string; items: ClientJson[] };
      assert.equal(list.object, 'OAuthClientList');
      assert.deepEqual(list.items.slice(0, 2).map((item) => item.client_id), [second.client_id, first.client_id]);
      assert.deepEqual(list.items[1]?.grant_types, ['password', 'refresh_token']);
      for (const item of list.items) assert.ok(!('client_secret' in item));
      const theirs = (await (await call('GET', '/api/v1/oauth/clients', undefined, otherKey)).json()) as { items: ClientJson[] };
      assert.deepEqual(theirs.items, []);
    });

    it('answers 404 client_not_found for an unknown id and for another tenant’s client', async () => {
      const client = await register({ name: 'Mine', redirect_uris: ['https://mine.acme.test/cb'] });
      for (const [id, key] of [['kwc_unknown', h.apiKey], [client.client_id, otherKey]] as const) {
        for (const method of ['GET', 'DELETE']) {
          const response = await call(method, `/api/v1/oauth/clients/${id}`, undefined, key);
          assert.equal(response.status, 404);
          assert.equal(((await response.json()) as ErrorJson).error.code, 'client_not_found');
        }
      }
      assert.equal((await clientRow(client.client_id)).revoked_at, null);
    });

    for (const uri of ['https://app.acme.test/cb', 'https://app.acme.test/cb?tenant=1', 'http://localhost:3000/cb', 'http://dev.localhost/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb']) {
      it(`accepts the redirect URI ${uri}, kept exactly`, async () => {
        const client = await register({ name: 'URI', redirect_uris: [uri] });
        assert.deepEqual(client.redirect_uris, [uri]);
      });
    }

    const valid = { name: 'Valid', redirect_uris: ['https://app.acme.test/cb'] };
    for (const [name, body, pattern] of [
      ['plain http on a public host', { ...valid, redirect_uris: ['http://app.acme.test/cb'] }, /https, or http on localhost/],
      ['a fragment', { ...valid, redirect_uris: ['https://app.acme.test/cb#done'] }, /fragment/],
      ['an empty fragment', { ...valid, redirect_uris: ['https://app.acme.test/cb#'] }, /fragment/],
      ['a relative URI', { ...valid, redirect_uris: ['/cb'] }, /absolute URL/],
      ['a javascript: URI', { ...valid, redirect_uris: ['javascript:alert(1)'] }, /https/],
      ['a custom scheme', { ...valid, redirect_uris: ['com.acme.app:/cb'] }, /https/],
      ['user info in the URI', { ...valid, redirect_uris: ['https://user:pw@app.acme.test/cb'] }, /user name or password/],
      ['no redirect URI', { ...valid, redirect_uris: [] }, /at least one URL/],
      ['11 redirect URIs', { ...valid, redirect_uris: Array.from({ length: 11 }, (_, n) => `https://app.acme.test/cb${n}`) }, /at most 10/],
      ['a repeated redirect URI', { ...valid, redirect_uris: ['https://app.acme.test/cb', 'https://app.acme.test/cb'] }, /repeat/],
      ['no redirect_uris at all', { name: 'Valid' }, /redirect_uris/],
      ['an unknown grant type', { ...valid, grant_types: ['implicit'] }, /must be one of/],
      ['a repeated grant type', { ...valid, grant_types: ['authorization_code', 'authorization_code'] }, /repeat/],
      ['no grant types', { ...valid, grant_types: [] }, /at least one grant type/],
      ['refresh_token alone', { ...valid, grant_types: ['refresh_token'] }, /refresh_token needs/],
      ['a public client with the password grant', { ...valid, public: true, grant_types: ['password'] }, /public client cannot use the password grant/],
      ['an empty name', { ...valid, name: ' ' }, /name: must not be empty/],
      ['a name over 100 characters', { ...valid, name: 'n'.repeat(101) }, /at most 100/],
      ['public that is not a boolean', { ...valid, public: 'yes' }, /true or false/],
      ['an unknown field', { ...valid, client_secret: 'mine' }, /unknown field: client_secret/],
    ] as const) {
      it(`refuses ${name} with 422 and registers nothing`, async () => {
        const before = await clientCount();
        const response = await call('POST', '/api/v1/oauth/clients', body);
        assert.equal(response.status, 422);
        const { error } = (await response.json()) as ErrorJson;
        assert.equal(error.code, 'invalid_request');
        assert.match(error.message, pattern);
        assert.equal(await clientCount(), before);
      });
    }

    it('authenticates a confidential client only with its own secret, a public one only without a secret', async () => {
      const confidential = await register({ name: 'Auth', redirect_uris: ['https://auth.acme.test/cb'] });
      const secret = confidential.client_secret as string;
      const db = h.store.db;
      assert.equal((await authenticateClient(db, { clientId: confidential.client_id, clientSecret: secret }))?.id, confidential.client_id);
      assert.equal(await authenticateClient(db, { clientId: confidential.client_id, clientSecret: `${secret.slice(0, -1)}x` }), undefined);
      assert.equal(await authenticateClient(db, { clientId: confidential.client_id, clientSecret: '' }), undefined);
      assert.equal(await authenticateClient(db, { clientId: confidential.client_id }), undefined);
      assert.equal(await authenticateClient(db, { clientId: 'kwc_unknown', clientSecret: secret }), undefined);
      assert.equal(await authenticateClient(db, { clientId: 'x'.repeat(10_000), clientSecret: secret }), undefined);

      const publicClient = await register({ name: 'Public', redirect_uris: ['http://localhost/cb'], public: true });
      assert.equal((await authenticateClient(db, { clientId: publicClient.client_id }))?.id, publicClient.client_id);
      assert.equal(await authenticateClient(db, { clientId: publicClient.client_id, clientSecret: secret }), undefined);
    });

    it('revokes a client: its sessions end and unexchanged codes expire, others’ stay; it no longer authenticates, reads or lists', async () => {
      const client = await register({ name: 'Doomed', redirect_uris: ['https://doomed.acme.test/cb'] });
      const other = await register({ name: 'Other', redirect_uris: ['https://other.acme.test/cb'] });
      const now = h.clock.now;
      const user = { id: newId(), tenant_id: h.tenantId, email: `u${now}@example.com`, email_key: `u${now}@example.com`, type: 'PERSONAL', first_name: 'U', last_name: 'Ser', status: 'ACTIVE', phone_number: null, timezone: null, mfa_enabled: 0, has_password: 0, created_at: now, updated_at: now } as const;
      await h.store.db.insertInto('users').values(user).execute();
      const family = (clientId: string) => ({ id: newId(), tenant_id: h.tenantId, client_id: clientId, user_id: user.id, authorization_code_id: null, scope: 'openid', auth_method: 'login_url', auth_time: now, mfa_validated: 0, created_at: now, expires_at: now + 86_400_000, revoked_at: null, revoked_reason: null }) as const;
      const doomedFamily = family(client.client_id);
      const otherFamily = family(other.client_id);
      await h.store.db.insertInto('token_families').values([doomedFamily, otherFamily]).execute();
      const codeId = newId();
      await h.store.db
        .insertInto('authorization_codes')
        .values({ id: codeId, tenant_id: h.tenantId, client_id: client.client_id, user_id: user.id, code_hash: sha256(codeId), redirect_uri: 'https://doomed.acme.test/cb', scope: 'openid', nonce: null, code_challenge: null, code_challenge_method: null, auth_method: 'login_url', auth_time: now, expires_at: now + 60_000, used_at: null, created_at: now })
        .execute();
      h.clock.advance(1000);

      const response = await call('DELETE', `/api/v1/oauth/clients/${client.client_id}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { object: 'OAuthClientDeleted', id: client.client_id });
      assert.equal((await clientRow(client.client_id)).revoked_at, h.clock.now);
      const families = await h.store.db.selectFrom('token_families').select(['id', 'revoked_at', 'revoked_reason']).where('id', 'in', [doomedFamily.id, otherFamily.id]).orderBy('id').execute();
      assert.deepEqual(
        families,
        [
          { id: doomedFamily.id, revoked_at: h.clock.now, revoked_reason: 'client_revoked' },
          { id: otherFamily.id, revoked_at: null, revoked_reason: null },
        ].sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
      const code = await h.store.db.selectFrom('authorization_codes').select('expires_at').where('id', '=', codeId).executeTakeFirstOrThrow();
      assert.equal(code.expires_at, h.clock.now);

      assert.equal(await authenticateClient(h.store.db, { clientId: client.client_id, clientSecret: client.client_secret as string }), undefined);
      assert.equal((await call('GET', `/api/v1/oauth/clients/${client.client_id}`)).status, 404);
      const list = (await (await call('GET', '/api/v1/oauth/clients')).json()) as { items: ClientJson[] };
      assert.ok(!list.items.some((item) => item.client_id === client.client_id));
      assert.equal((await call('DELETE', `/api/v1/oauth/clients/${client.client_id}`)).status, 404);
    });

    it('names a default client only when the tenant has exactly one active client', async () => {
      assert.equal(await defaultClient(h.store.db, otherTenantId), undefined);
      const only = await register({ name: 'Only', redirect_uris: ['https://globex.test/cb'] }, otherKey);
      assert.equal((await defaultClient(h.store.db, otherTenantId))?.id, only.client_id);
      const second = await register({ name: 'Second', redirect_uris: ['https://globex.test/cb2'] }, otherKey);
      assert.equal(await defaultClient(h.store.db, otherTenantId), undefined);
      assert.equal((await call('DELETE', `/api/v1/oauth/clients/${only.client_id}`, undefined, otherKey)).status, 200);
      assert.equal((await defaultClient(h.store.db, otherTenantId))?.id, second.client_id);
    });

    it('refuses every clients route without a valid API key', async () => {
      for (const [method, path] of [['GET', '/api/v1/oauth/clients'], ['POST', '/api/v1/oauth/clients'], ['GET', '/api/v1/oauth/clients/x'], ['DELETE', '/api/v1/oauth/clients/x']] as const) {
        assert.equal((await h.app.request(path, { method })).status, 401, `${method} ${path}`);
      }
    });
  });
}

describe('keyway clients create', () => {
  let env: NodeJS.ProcessEnv;
  before(async () => {
    env = keywayEnv();
    await createKeyWithCli(env, 'acme');
  });
  after(() => removeDataDir(env));

  async function clientCount(): Promise<number> {
    const store = await openStore({ url: loadConfig(env).config.databaseUrl });
    try {
      return (await store.db.selectFrom('oauth_clients').select('id').execute()).length;
    } finally {
      await store.close();
    }
  }

  async function storedClient(clientId: string) {
    const store = await openStore({ url: loadConfig(env).config.databaseUrl });
    try {
      return await store.db
        .selectFrom('oauth_clients')
        .innerJoin('tenants', 'tenants.id', 'oauth_clients.tenant_id')
        .select(['oauth_clients.name', 'secret_hash', 'redirect_uris_json', 'grant_types_json', 'tenants.name as tenant'])
        .where('oauth_clients.id', '=', clientId)
        .executeTakeFirst();
    } finally {
      await store.close();
    }
  }

  it('registers a confidential client for the tenant and prints its id and secret once', async () => {
    const { code, stdout } = await runKeywayCli(env, [
      'clients', 'create', '--tenant', 'acme', '--redirect-uri', 'https://app.acme.test/cb', '--redirect-uri', 'http://localhost:3000/cb', '--name', 'Acme CRM', '--grant', 'authorization_code', '--grant', 'refresh_token', '--grant', 'password',
    ]);
    assert.equal(code, 0, stdout);
    const clientId = /^Client ID: (\S+)$/m.exec(stdout)?.[1] ?? '';
    const secret = /^Client secret: (\S+)$/m.exec(stdout)?.[1] ?? '';
    assert.match(clientId, CLIENT_ID);
    assert.match(secret, CLIENT_SECRET);
    assert.match(stdout, /shown once/);
    assert.deepEqual(await storedClient(clientId), {
      name: 'Acme CRM',
      secret_hash: sha256(secret),
      redirect_uris_json: JSON.stringify(['https://app.acme.test/cb', 'http://localhost:3000/cb']),
      grant_types_json: JSON.stringify(['authorization_code', 'refresh_token', 'password']),
      tenant: 'acme',
    });
  });

  it('registers a public client with no secret, named after its redirect URI by default', async () => {
    const { code, stdout } = await runKeywayCli(env, ['clients', 'create', '--tenant', 'acme', '--redirect-uri', 'https://spa.acme.test/cb', '--public']);
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /Client secret/);
    const clientId = /^Client ID: (\S+)$/m.exec(stdout)?.[1] ?? '';
    const stored = await storedClient(clientId);
    assert.deepEqual([stored?.name, stored?.secret_hash, stored?.grant_types_json], ['spa.acme.test', null, JSON.stringify(['authorization_code', 'refresh_token'])]);
  });

  for (const [name, args, message] of [
    ['no redirect URI', ['--tenant', 'acme'], /at least one --redirect-uri/],
    ['no tenant', ['--redirect-uri', 'https://app.acme.test/cb'], /--tenant is required/],
    ['an http redirect URI on a public host', ['--tenant', 'acme', '--redirect-uri', 'http://app.acme.test/cb'], /--redirect-uri must be https/],
    ['an unknown grant', ['--tenant', 'acme', '--redirect-uri', 'https://app.acme.test/cb', '--grant', 'implicit'], /--grant must be one of/],
    ['an unknown option', ['--tenant', 'acme', '--redirect-uri', 'https://app.acme.test/cb', '--secret', 'x'], /Unknown option '--secret'/],
    ['an unknown tenant', ['--tenant', 'nobody', '--redirect-uri', 'https://app.acme.test/cb'], /no tenant is named "nobody"/],
  ] as const) {
    it(`exits 2 with a clear message for ${name}, registering nothing`, async () => {
      const before = await clientCount();
      const { code, stdout, stderr } = await runKeywayCli(env, ['clients', 'create', ...args]);
      assert.equal(code, 2, stdout + stderr);
      assert.match(stderr, message);
      assert.doesNotMatch(stdout, /Client ID/);
      assert.equal(await clientCount(), before);
    });
  }
});
