import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { linkRequest, TestClock } from './harness.js';

type Json = { token: string; flow: { step: Record<string, unknown> & { id: string } } };

/**
 * Whoever can read the database file must not find a secret they could use: every token Keyway
 * hands out is looked for, in the SQLite file and its write-ahead log, while the server runs.
 */
describe('secrets at rest', () => {
  let keyway: RunningKeyway;
  let dataDir: string;
  const secrets = new Map<string, string>();
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-at-rest-'));
    const providersFile = join(dataDir, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [
          {
            id: 'ACME', adapter: 'oauth2', name: 'Acme', scopes: ['mail.read'], clientId: 'keyway', clientSecret: 'acme-client-secret-kept-sealed', allowHttp: true,
            authorizationEndpoint: 'http://127.0.0.1:9/authorize', tokenEndpoint: 'http://127.0.0.1:9/token',
          },
        ],
      }),
    );
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEYWAY_PORT: '0', KEYWAY_PROVIDERS_FILE: providersFile }, { demo: true });
    keyway = await startKeyway(config, { log: () => {} });
    const created = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'at-rest', now: Date.now() });
    secrets.set('API key', created.apiKey);
    secrets.set('webhook secret', created.webhookSecret ?? '');
  });
  after(async () => {
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${keyway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    assert.ok(response.ok, `${path} answered ${response.status}`);
    return response.json() as Promise<Record<string, unknown>>;
  };

  async function openAt(provider: string): Promise<Json & { step: Record<string, unknown> }> {
    const link = await api('/api/v1/hosted/accounts/link', linkRequest(new TestClock(), { providers: [provider] }), { 'x-api-key': secrets.get('API key') as string });
    const linkToken = String(link['url']).split('/connect/')[1] as string;
    secrets.set(`link token (${provider})`, linkToken);
    const opened = (await api('/api/v1/flows', { link: linkToken })) as unknown as Json;
    secrets.set(`flow token (${provider})`, opened.token);
    const next = (await api('/api/v1/flows/current/steps', { kind: 'providers', stepId: opened.flow.step.id, provider }, { authorization: `Bearer ${opened.token}` })) as unknown as Json['flow'];
    return { ...opened, step: next.step };
  }

  it('keeps no token, pairing code, OAuth state or key in clear in the database file or its log', async () => {
    const qr = await openAt('WHATSAPP');
    secrets.set('pairing secret', String(qr.step['payload']).split('/pair/')[1] as string);
    secrets.set('pairing code', String(qr.step['code']).replace('-', ''));
    secrets.set('pairing code as shown', String(qr.step['code']));
    const oauth = await openAt('ACME');
    const authorize = new URL(String(oauth.step['authorizeUrl']));
    secrets.set('OAuth state', authorize.searchParams.get('state') as string);
    secrets.set('OAuth client secret', 'acme-client-secret-kept-sealed');
    for (const [name, value] of secrets) assert.ok(value.length >= 8, `${name} was captured`);

    const files = ['keyway.sqlite', 'keyway.sqlite-wal'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
    assert.ok(files.some((file) => file.endsWith('-wal')), 'the write-ahead log is read too');
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    assert.ok(bytes.includes(Buffer.from('WHATSAPP')), 'the check can see what the database holds');
    for (const [name, value] of secrets) assert.equal(bytes.includes(Buffer.from(value)), false, `the ${name} is in the database in clear`);
  });
});
