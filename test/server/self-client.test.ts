import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { createClient } from '../../src/server/identity/clients.js';
import { createUser } from '../../src/server/identity/users.js';
import { Sealer } from '../../src/server/security/sealer.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { openStore } from '../../src/server/store/database.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { freePort } from '../peers/ports.js';
import { linkRequest, TestClock, type FlowJson } from './harness.js';
import { codeAt, secretOf, wrongCodeAt } from './mfa-fixtures.js';
import { GOOD_PASSWORD } from './password-fixtures.js';
import { REDIRECT_URI } from './oauth2-fixtures.js';

const PROVIDER = 'KEYWAY';
const TIMEOUT_MS = 10_000;

/**
 * Keyway as the client of itself: one running Keyway whose provider file points the password-grant
 * adapter at its own seed-001 endpoints. The connect half signs in through the sign-in half over
 * real HTTP (password grant, the mfa_required gate, TOTP validation), and the tokens it stores are
 * accepted by the sign-in half afterwards. SQLite only: this is about what crosses the wire.
 */
describe('password-grant adapter against Keyway’s own seed-001 API', () => {
  let dataDir: string;
  let keyway: RunningKeyway;
  let apiKey: string;
  let clientId: string;
  let clientSecret: string;
  const plain = { email: 'plain@acme.test', password: GOOD_PASSWORD };
  const withMfa = { email: 'mfa@acme.test', password: `${GOOD_PASSWORD} two`, secret: '' };

  async function request(method: 'GET' | 'POST' | 'PUT', path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    return fetch(`${keyway.url}${path}`, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }

  async function json<T>(response: Response, status: number): Promise<T> {
    const text = await response.text();
    assert.equal(response.status, status, text);
    return JSON.parse(text) as T;
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function passwordGrant(username: string, password: string): Promise<{ access_token: string; refresh_token: string }> {
    const body = { client_id: clientId, client_secret: clientSecret, username, password, grant_type: 'password' };
    return json(await request('POST', '/oauth2/token', { body }), 200);
  }

  async function addUser(tenantId: string, email: string, password: string): Promise<void> {
    const user = await createUser(keyway.services.store.db, tenantId, { first_name: 'Test', last_name: 'User', email }, Date.now());
    const response = await request('PUT', `/api/v1/users/${user.id}/password`, { body: { password }, headers: { 'x-api-key': apiKey } });
    assert.equal(response.status, 204, await response.text());
  }

  async function step(token: string, input: Record<string, unknown>): Promise<FlowJson> {
    return json<FlowJson>(await request('POST', '/api/v1/flows/current/steps', { body: input, headers: bearer(token) }), 200);
  }

  /** A fresh link for the provider, opened and walked to the answer to the credentials step. */
  async function connect(username: string, password: string): Promise<{ token: string; flow: FlowJson }> {
    const link = await json<{ url: string }>(
      await request('POST', '/api/v1/hosted/accounts/link', { body: linkRequest(new TestClock(), { providers: [PROVIDER] }), headers: { 'x-api-key': apiKey } }),
      201,
    );
    const { token, flow } = await json<{ token: string; flow: FlowJson }>(await request('POST', '/api/v1/flows', { body: { link: link.url.split('/connect/')[1] } }), 201);
    const credentials = await step(token, { kind: 'providers', stepId: flow.step.id, provider: PROVIDER });
    assert.equal(credentials.step.kind, 'credentials');
    return { token, flow: await step(token, { kind: 'credentials', stepId: credentials.step.id, values: { username, password } }) };
  }

  async function storedSecrets(flow: FlowJson): Promise<Record<string, string>> {
    const account = await keyway.services.store.db.selectFrom('accounts').selectAll().where('id', '=', String(flow.step['accountId'])).executeTakeFirstOrThrow();
    assert.equal(account.provider, PROVIDER);
    return keyway.services.sealer.openJson<Record<string, string>>(account.sealed_secrets);
  }

  async function selfEmail(accessToken: string): Promise<string> {
    return String((await json<{ data: { email: string } }>(await request('GET', '/users/self', { headers: bearer(accessToken) }), 200)).data.email);
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-self-'));
    const port = await freePort();
    const providersFile = join(dataDir, 'providers.json');
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });

    // The provider file names an OAuth client of this same Keyway, so the tenant and client exist before it starts.
    const store = await openStore({ url: config.databaseUrl });
    let tenantId: string;
    try {
      const created = await createApiKey(store.db, new Sealer(config.encryptionKey), { tenantName: 'acme', now: Date.now() });
      ({ tenantId, apiKey } = created);
      const client = await createClient(store.db, tenantId, { name: 'Keyway connect', redirect_uris: [REDIRECT_URI], grant_types: ['password', 'refresh_token'] }, Date.now());
      clientId = client.row.id;
      clientSecret = client.clientSecret ?? '';
    } finally {
      await store.close();
    }
    const url = `http://127.0.0.1:${port}`;
    writeFileSync(
      providersFile,
      JSON.stringify({ providers: [{ id: PROVIDER, adapter: 'password-grant', name: 'Keyway', tokenUrl: `${url}/oauth2/token`, apiUrl: url, clientId, clientSecret, mfaAttempts: 3 }] }),
    );
    keyway = await startKeyway({ ...config, port, host: '127.0.0.1', publicUrl: url, providersFile }, { log: () => {} });

    await addUser(tenantId, plain.email, plain.password);
    await addUser(tenantId, withMfa.email, withMfa.password);
    // MFA through the real API: sign in, set up, verify with the first code.
    const tokens = await passwordGrant(withMfa.email, withMfa.password);
    const setup = await json<{ data: { mfa_url: string } }>(await request('POST', '/users/self/mfa/setup', { headers: bearer(tokens.access_token) }), 200);
    withMfa.secret = secretOf(setup.data.mfa_url);
    const verified = await json<{ data: { mfa_enabled: boolean } }>(
      await request('POST', '/users/self/mfa/verify', { body: { token: codeAt(withMfa.secret, Date.now()) }, headers: bearer(tokens.access_token) }),
      200,
    );
    assert.equal(verified.data.mfa_enabled, true);
  });
  after(async () => {
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('connects a user without MFA at once, storing sealed tokens that Keyway’s own API accepts', async () => {
    const { flow } = await connect(plain.email, plain.password);
    assert.equal(flow.status, 'succeeded', JSON.stringify(flow.step));
    const secrets = await storedSecrets(flow);
    assert.ok(secrets['access_token'] && secrets['refresh_token'] && secrets['expires_at']);
    assert.equal(await selfEmail(secrets['access_token']), plain.email);

    // The adapter's renewal is the refresh_token grant at the same endpoint; the new tokens work too.
    const renewed = await keyway.services.catalogue.get(PROVIDER)?.adapter.renew?.(secrets, Date.now());
    assert.equal(renewed?.type, 'renewed');
    const next = (renewed as { secrets: Record<string, string> }).secrets;
    assert.notEqual(next['refresh_token'], secrets['refresh_token'], 'Keyway rotates refresh tokens');
    assert.equal(await selfEmail(next['access_token'] as string), plain.email);
  });

  it('asks the MFA user for a code, retries a wrong one, and connects with the next step’s TOTP', async () => {
    const { token, flow } = await connect(withMfa.email, withMfa.password);
    assert.equal(flow.step.kind, 'mfa', JSON.stringify(flow.step));
    assert.deepEqual([flow.step['method'], flow.step['attemptsLeft']], ['totp', 3]);

    const retry = await step(token, { kind: 'mfa', stepId: flow.step.id, code: wrongCodeAt(withMfa.secret, Date.now()) });
    assert.deepEqual([retry.status, retry.step.kind, retry.step['attemptsLeft']], ['active', 'mfa', 2]);

    // Verify used the current step; each step is accepted once, so the app's next code is the one to type.
    const done = await step(token, { kind: 'mfa', stepId: retry.step.id, code: codeAt(withMfa.secret, Date.now() + 30_000) });
    assert.equal(done.status, 'succeeded', JSON.stringify(done.step));
    const secrets = await storedSecrets(done);
    assert.equal(await selfEmail(secrets['access_token'] as string), withMfa.email, 'the stored session passed the MFA gate');
  });

  it('shows the field error for a wrong password', async () => {
    const { flow } = await connect(plain.email, 'not the password at all');
    assert.equal(flow.step.kind, 'credentials');
    assert.equal((flow.step['errors'] as Record<string, string>)['password'], 'Wrong email or password.');
  });
});
