import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { createApp } from '../../src/server/app.js';
import { DEFAULT_LIMITS, parseLimitRules } from '../../src/server/security/rate-limits.js';
import { limitKeyOf } from '../../src/server/security/client-address.js';
import { Sealer } from '../../src/server/security/sealer.js';
import { createServices, startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, dialects, linkRequest, openTestStore, PUBLIC_URL, TestClock } from './harness.js';

announceSkips();

const WRONG_KEY = `kw_${'A'.repeat(12)}_${'B'.repeat(43)}`;

describe('rate limits on a started server', () => {
  let keyway: RunningKeyway;
  let apiKey: string;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-limits-'));
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEYWAY_PORT: '0' }, { demo: true });
    keyway = await startKeyway(config, { log: () => {} });
    ({ apiKey } = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'limits', now: Date.now() }));
  });
  after(async () => {
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const createLink = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
      body: JSON.stringify(linkRequest(new TestClock(), { providers: ['WHATSAPP'] })),
    });

  async function assertLimited(response: Response, limit: string): Promise<void> {
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After is whole seconds (${response.headers.get('retry-after')})`);
    const body = (await response.json()) as { error: { code: string; message: string; details: { limit: string } } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(body.error.details.limit, limit);
    assert.match(body.error.message, /Try again in/);
  }

  it('answers 429 with Retry-After once an address has sent too many wrong API keys, whatever X-Forwarded-For says, and a right key still works', async () => {
    const { points } = DEFAULT_LIMITS.api_key_failures;
    for (let n = 0; n < points; n += 1) {
      const response = await createLink(WRONG_KEY, { 'x-forwarded-for': `203.0.113.${n}` });
      assert.equal(response.status, 401, `wrong key ${n + 1} is refused as unauthorised`);
      await response.body?.cancel();
    }
    await assertLimited(await createLink(WRONG_KEY, { 'x-forwarded-for': '198.51.100.7' }), 'api_key_failures');
    const good = await createLink(apiKey);
    assert.equal(good.status, 201, 'a valid key is not held up by the guesses');
    await good.body?.cancel();
  });

  it('refuses typed pairing codes from an address that typed too many wrong ones, even the right code', async () => {
    const link = (await (await createLink(apiKey)).json()) as { url: string };
    const opened = await fetch(`${keyway.url}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: link.url.split('/connect/')[1] }) });
    const { token, flow } = (await opened.json()) as { token: string; flow: { step: { id: string } } };
    const chosen = await fetch(`${keyway.url}/api/v1/flows/current/steps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ kind: 'providers', stepId: flow.step.id, provider: 'WHATSAPP' }),
    });
    const { step } = (await chosen.json()) as { step: { code: string } };
    const typeCode = (code: string) =>
      fetch(`${keyway.url}/pair/review`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code }).toString() });
    const { points } = DEFAULT_LIMITS.pairing_code_failures;
    for (let n = 0; n < points; n += 1) {
      const response = await typeCode(`ZZZZ-${String(2222 + n).replace(/[01]/g, '2')}`);
      assert.equal(response.status, 400, `wrong code ${n + 1} gets the code page again`);
      await response.body?.cancel();
    }
    const refused = await typeCode(step.code);
    assert.equal(refused.status, 429, 'the right code is not even looked at');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.match(await refused.text(), /Too many wrong pairing codes/);
  });

  it('limits link tokens that do not work, on the hosted page and when opening a flow', async () => {
    const { points } = DEFAULT_LIMITS.link_token_failures;
    for (let n = 0; n < points; n += 1) {
      const page = await fetch(`${keyway.url}/connect/${randomBytes(32).toString('base64url')}`);
      assert.equal(page.status, 404);
      await page.body?.cancel();
    }
    const opened = await fetch(`${keyway.url}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: randomBytes(32).toString('base64url') }) });
    await assertLimited(opened, 'link_token_failures');
  });

  it('limits how many flows one address opens', async () => {
    const { points } = DEFAULT_LIMITS.flow_open;
    const statuses: number[] = [];
    for (let n = 0; n <= points; n += 1) {
      const response = await fetch(`${keyway.url}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(response.status);
      if (response.status === 429) {
        await assertLimited(response, 'flow_open');
        break;
      }
      await response.body?.cancel();
    }
    assert.ok(statuses.includes(429), 'the address was limited');
    assert.ok(statuses.length <= points + 1, `no more than ${points} opens were let through (${statuses.length})`);
  });
});

for (const dialect of dialects()) {
  describe(`rate limits shared by instances on one database (${dialect.name})`, { skip: dialect.skip }, () => {
    it('counts wrong keys sent to two instances against one limit', async () => {
      const store = await openTestStore(dialect.url as string);
      try {
        const sealer = new Sealer(randomBytes(32));
        const rules = { ...DEFAULT_LIMITS, api_key_failures: { points: 6, seconds: 60, blockSeconds: 60 } };
        const instances = [0, 1].map(() => createApp(createServices({ store, sealer, demo: true, publicUrl: PUBLIC_URL, clock: Date.now, rateLimits: rules })));
        const statuses: number[] = [];
        for (let n = 0; n < 8; n += 1) {
          const app = instances[n % 2];
          const response = await app!.request('/api/v1/hosted/accounts/link', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': WRONG_KEY }, body: '{}' });
          statuses.push(response.status);
        }
        assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429]);
      } finally {
        await store.close();
      }
    });
  });
}

describe('rate limit settings', () => {
  it('reads KEYWAY_RATE_LIMITS as changes to the defaults, or off', () => {
    assert.equal(parseLimitRules(undefined), DEFAULT_LIMITS);
    assert.equal(parseLimitRules('off'), 'off');
    const rules = parseLimitRules('flow_open=120/60, pairing_code_failures=5/300/1800');
    assert.ok(rules !== 'off');
    assert.deepEqual(rules.flow_open, { points: 120, seconds: 60, blockSeconds: 60 });
    assert.deepEqual(rules.pairing_code_failures, { points: 5, seconds: 300, blockSeconds: 1800 });
    assert.deepEqual(rules.api_key_failures, DEFAULT_LIMITS.api_key_failures);
    for (const bad of ['flow_open=0/60', 'nope=1/1', 'flow_open=10', 'flow_open=a/b']) assert.throws(() => parseLimitRules(bad), /KEYWAY_RATE_LIMITS/, bad);
  });

  it('keys IPv4 clients by address and IPv6 clients by their /64', () => {
    assert.equal(limitKeyOf('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(limitKeyOf('2001:db8:1:2:aaaa::1'), limitKeyOf('2001:db8:1:2:bbbb::2'));
    assert.notEqual(limitKeyOf('2001:db8:1:2::1'), limitKeyOf('2001:db8:1:3::1'));
    assert.equal(limitKeyOf('not an address'), 'unknown');
  });
});
