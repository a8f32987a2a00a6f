import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Keyway, KeywayError, verifyAccessToken, verifyWebhook, WebhookVerificationError } from '../../src/node/index.js';
import { loadConfig } from '../../src/server/config.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { signWebhook } from '../../src/server/webhooks/signature.js';
import { GOOD_PASSWORD } from './password-fixtures.js';
import { WebhookReceiver } from './receiver.js';
import { connectDemoOverHttp } from './http-flow.js';

/** keyway/node against a real listening Keyway (demo providers, SQLite), as a host backend uses it. */
describe('keyway/node against a started Keyway', () => {
  let dataDir: string;
  let keyway: RunningKeyway;
  let client: Keyway;
  let apiKey: string;
  let webhookSecret: string;
  let privateTokenKey: string;
  const receiver = new WebhookReceiver();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-node-client-'));
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true });
    keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined }, { log: () => {} });
    const now = Date.now();
    const created = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'node-client', now });
    apiKey = created.apiKey;
    webhookSecret = created.webhookSecret ?? '';
    privateTokenKey = (await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'node-client', kind: 'private_token', now })).apiKey;
    client = new Keyway({ apiKey, baseUrl: keyway.url, privateTokenKey });
  });
  after(async () => {
    await receiver.close();
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('manages users: create, read, change, page through with iterate, deactivate, delete', async () => {
    const made = [];
    for (let n = 0; n < 5; n++) made.push(await client.users.create({ first_name: 'Ada', last_name: `No${n}`, email: `ada${n}@node.test` }));
    assert.equal((await client.users.get(made[0]!.id)).email, 'ada0@node.test');
    assert.equal((await client.users.update(made[1]!.id, { timezone: 'Europe/Paris' })).timezone, 'Europe/Paris');
    const firstPage = await client.users.list({ limit: 2 });
    assert.equal(firstPage.items.length, 2);
    assert.ok(firstPage.cursor);
    const seen: string[] = [];
    for await (const user of client.users.iterate({ limit: 2 })) seen.push(user.email);
    assert.deepEqual(seen.sort(), made.map((user) => user.email).sort());
    assert.equal((await client.users.setStatus(made[2]!.id, 'INACTIVE')).status, 'INACTIVE');
    await client.users.setPassword(made[3]!.id, GOOD_PASSWORD);
    assert.equal((await client.users.get(made[3]!.id)).has_password, true);
    await client.users.removePassword(made[3]!.id);
    assert.equal((await client.users.get(made[3]!.id)).has_password, false);
    assert.deepEqual(await client.users.delete(made[4]!.id), { object: 'UserDeleted', id: made[4]!.id });
  });

  it('throws KeywayError with the server’s code, status and details', async () => {
    const missing = await client.users.get('no-such-user').catch((error: unknown) => error);
    assert.ok(missing instanceof KeywayError);
    assert.equal(missing.status, 404);
    assert.match(missing.code, /not_found/);
    const invalid = await client.users.create({ first_name: '', last_name: 'X', email: 'not an email' }).catch((error: unknown) => error);
    assert.ok(invalid instanceof KeywayError);
    assert.equal(invalid.status, 422);
    assert.ok(invalid.details, 'the field errors come along');
    const wrongKey = await new Keyway({ apiKey: 'kw_wrong', baseUrl: keyway.url }).users.list().catch((error: unknown) => error);
    assert.ok(wrongKey instanceof KeywayError);
    assert.equal(wrongKey.status, 401);
  });

  it('registers an OAuth client, mints a login URL and a user token, and verifies an access token against the JWKS', async () => {
    const oauth = await client.oauthClients.create({ name: 'Node app', redirect_uris: ['https://app.node.test/callback'], grant_types: ['authorization_code', 'refresh_token', 'password'] });
    assert.ok(oauth.client_secret);
    assert.equal((await client.oauthClients.list()).items.some((item) => item.client_id === oauth.client_id), true);
    const user = await client.users.create({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@node.test' });
    const login = await client.users.createLoginUrl(user.id, {});
    assert.match(login.login_url, /^http:\/\/127\.0\.0\.1:\d+\/login\?code=/);

    const minted = await client.userTokens.create({ email: 'token-user@node.test', uid: 'host-uid-1' });
    assert.equal(minted.status, 'success');
    const withoutKey = await new Keyway({ apiKey, baseUrl: keyway.url }).userTokens.create({ email: 'x@node.test', uid: 'y' }).catch((error: unknown) => error);
    assert.ok(withoutKey instanceof KeywayError && withoutKey.code === 'private_token_key_missing');

    await client.users.setPassword(user.id, GOOD_PASSWORD);
    const tokenResponse = await fetch(`${keyway.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', client_id: oauth.client_id, client_secret: oauth.client_secret, username: user.email, password: GOOD_PASSWORD, scope: 'openid' }),
    });
    const tokens = (await tokenResponse.json()) as { access_token: string; id_token: string };
    const claims = await verifyAccessToken(tokens.access_token, { issuer: keyway.url, audience: oauth.client_id });
    assert.equal(claims.sub, user.id);
    assert.equal(claims.client_id, oauth.client_id);
    await assert.rejects(verifyAccessToken(tokens.access_token, { issuer: keyway.url, audience: 'another-client' }), /aud/);
    await assert.rejects(verifyAccessToken(tokens.id_token, { issuer: keyway.url, audience: oauth.client_id }), /typ/, 'an ID token is not an access token');
    await assert.rejects(verifyAccessToken(`${tokens.access_token.slice(0, -4)}AAAA`, { issuer: keyway.url, audience: oauth.client_id }), /signature/);
  });

  it('creates a link whose flow outcome arrives as a webhook that verifyWebhook proves, and refuses it altered or old', async () => {
    const notifyUrl = await receiver.listen();
    const link = await client.links.create({
      type: 'create',
      providers: ['DEMO'],
      api_url: 'https://api.node.test',
      expiresOn: new Date(Date.now() + 3_600_000).toISOString(),
      success_redirect_url: 'https://app.node.test/connected',
      notify_url: notifyUrl,
      name: 'node-user-7',
    });
    const done = await connectDemoOverHttp(keyway.url, link.url);
    assert.equal(done.status, 'succeeded');

    const [delivery] = await receiver.waitFor(1, 10_000);
    assert.ok(delivery);
    const signature = String(delivery.headers['keyway-signature']);
    const event = verifyWebhook(webhookSecret, Buffer.from(delivery.body), signature);
    assert.equal(event.status, 'CREATION_SUCCESS');
    assert.equal('name' in event ? event.name : undefined, 'node-user-7');
    assert.throws(() => verifyWebhook(webhookSecret, delivery.body.replace('node-user-7', 'node-user-8'), signature), (error: unknown) => error instanceof WebhookVerificationError && error.reason === 'mismatch');
    assert.throws(() => verifyWebhook(webhookSecret, delivery.body, signature, { now: Date.now() + 600_000 }), (error: unknown) => error instanceof WebhookVerificationError && error.reason === 'too_old');
    assert.throws(() => verifyWebhook(webhookSecret, delivery.body, undefined), (error: unknown) => error instanceof WebhookVerificationError && error.reason === 'malformed');
    const signedNonsense = signWebhook(webhookSecret, '[1,2]', Math.floor(Date.now() / 1000));
    assert.throws(() => verifyWebhook(webhookSecret, '[1,2]', signedNonsense), (error: unknown) => error instanceof WebhookVerificationError && error.reason === 'invalid_body');

    const account = await client.accounts.get(String(('accountId' in done.step ? done.step.accountId : undefined) ?? ''));
    assert.equal(account.provider, 'DEMO');
    const listed: string[] = [];
    for await (const item of client.accounts.iterate({ limit: 1 })) listed.push(item.id);
    assert.deepEqual(listed, [account.id]);
    assert.deepEqual(await client.accounts.delete(account.id), { object: 'AccountDeleted', id: account.id });
  });

  it('sends a message and finds it by its token, by client and by id', async () => {
    const sent = await client.messages.send({ email: 'client@node.test', agentId: 42, sender: 'agent', source: 'bot', content: { message: 'A listing for you', links: ['https://homes.node.test/listings/7'] } });
    assert.ok(sent.token);
    assert.equal(sent.delivery.status, 'queued');
    const found = await client.messages.findByToken(sent.token);
    assert.deepEqual(found.messages.map((message) => message.messageId), [sent.messageId]);
    assert.deepEqual((await client.messages.findByToken('550e8400-e29b-41d4-a716-446655440000')).messages, []);
    const ids: string[] = [];
    for await (const message of client.messages.iterateByClient(String(sent.clientId), { limit: 1 })) ids.push(String(message.messageId));
    assert.deepEqual(ids, [String(sent.messageId)]);
    assert.equal((await client.messages.get(String(sent.messageId))).agentId, 42);
    const refused = await client.messages.send({ email: 'client@node.test', agentId: 42, sender: 'agent', source: 'bot', content: { message: 'x', links: ['javascript:alert(1)'] } }).catch((error: unknown) => error);
    assert.ok(refused instanceof KeywayError && refused.status >= 400 && refused.status < 500);
  });

  it('changes the brand and the sign-in settings, and puts them back', async () => {
    const unset = await client.brand.get().catch((error: unknown) => error);
    assert.ok(unset instanceof KeywayError && unset.status === 404 && unset.code === 'brand_not_found');
    const changed = await client.brand.update({ name: 'Node Brand', primaryColor: '#3f46d6' });
    assert.equal(changed.name, 'Node Brand');
    assert.deepEqual(await client.brand.get(), changed);
    await client.brand.reset();
    await assert.rejects(client.brand.get(), (error: unknown) => error instanceof KeywayError && error.status === 404);
    assert.deepEqual(await client.settings.setMfa(true), { required: true });
    assert.deepEqual(await client.settings.mfa(), { required: true });
    await client.settings.setMfa(false);
    const onboarding = { profile: [{ name: 'phone_number' as const, required: true }], password: 'required' as const, mfa: 'optional' as const };
    assert.equal((await client.settings.onboarding()).password, 'optional', 'the defaults until set');
    assert.deepEqual(await client.settings.setOnboarding(onboarding), onboarding);
    assert.deepEqual(await client.settings.onboarding(), onboarding);
    const badOnboarding = await client.settings.setOnboarding({ ...onboarding, mfa: 'always' as 'off' }).catch((error: unknown) => error);
    assert.ok(badOnboarding instanceof KeywayError && badOnboarding.status === 422 && badOnboarding.code === 'invalid_request');
    assert.deepEqual(await client.userTokens.updateSettings(1800), { ttl_seconds: 1800, default: false });
    assert.deepEqual(await client.userTokens.updateSettings(null), { ttl_seconds: 600, default: true });
  });
});

/** The retry rules, against a real HTTP peer that answers what each case needs. */
describe('keyway/node retries', () => {
  let server: Server;
  let baseUrl: string;
  let answers: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  let requests: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      const answer = answers.shift() ?? { status: 200, body: '{"object":"UserList","items":[],"cursor":null}' };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const rateLimited = { status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"rate_limited","message":"Too many requests."}}' };

  it('retries a GET answered 429 after the Retry-After it names, then succeeds', async () => {
    answers = [rateLimited];
    requests = [];
    const started = Date.now();
    const list = await new Keyway({ apiKey: 'kw_x', baseUrl }).users.list();
    assert.deepEqual(list.items, []);
    assert.equal(requests.length, 2);
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
  });

  it('never retries a POST, and gives up on a GET after maxRetries with the last error', async () => {
    answers = [rateLimited];
    requests = [];
    const post = await new Keyway({ apiKey: 'kw_x', baseUrl }).users.create({ first_name: 'A', last_name: 'B', email: 'a@b.test' }).catch((error: unknown) => error);
    assert.ok(post instanceof KeywayError && post.code === 'rate_limited' && post.retryAfter === 1);
    assert.equal(requests.length, 1);

    answers = [{ status: 503, headers: { 'retry-after': '0' } }, { status: 503, headers: { 'retry-after': '0' } }];
    requests = [];
    const get = await new Keyway({ apiKey: 'kw_x', baseUrl, maxRetries: 1 }).users.list().catch((error: unknown) => error);
    assert.ok(get instanceof KeywayError && get.status === 503 && get.code === 'http_503');
    assert.equal(requests.length, 2);
  });

  it('reports an unreachable Keyway as network_error', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const error = await new Keyway({ apiKey: 'kw_x', baseUrl: `http://127.0.0.1:${closed}`, maxRetries: 0 }).users.list().catch((caught: unknown) => caught);
    assert.ok(error instanceof KeywayError && error.code === 'network_error' && error.status === 0);
  });
});
