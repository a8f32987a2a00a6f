import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lookup as systemLookup } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { isAllowedAddress, isPublicAddress, obviousPrivateDestination, OutboundRefusedError, OutboundTimeoutError, sendOutbound } from '../../src/server/security/outbound.js';
import { newId } from '../../src/server/security/tokens.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { enqueueWebhook } from '../../src/server/webhooks/outbox.js';
import { announceSkips, createHarness, dialects, linkRequest, postJson, submitOk, toMfaStep, totpCode, type Harness } from './harness.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

const create = (harness: Harness | undefined, notifyUrl: string) => {
  assert.ok(harness);
  return postJson(harness.app, '/api/v1/hosted/accounts/link', linkRequest(harness.clock, { notify_url: notifyUrl }), { 'x-api-key': harness.apiKey });
};

/** The notify_url values from the SSRF report, and a few more of the same kind. */
const OBVIOUS_PRIVATE_URLS = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://10.0.0.1/hooks',
  'http://[::1]/hooks',
  'http://0.0.0.0/hooks',
  'http://2130706433/hooks',
  'http://0x7f000001/hooks',
  'http://[::ffff:169.254.169.254]/hooks',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://localhost/hooks',
  'https://localhost:8443/hooks',
  'http://LOCALHOST./hooks',
  'http://app.localhost/hooks',
  'http://127.0.0.1./hooks',
  'http://0177.0.0.1/hooks',
  'http://100.64.0.1/hooks',
  'http://[fd00::1]/hooks',
  'http://[fe80::1]/hooks',
  'http://intranet/hooks',
  'http://printer.local/hooks',
];
const PUBLIC_URLS = ['https://hooks.example.com/keyway', 'http://93.184.216.34:8080/hooks', 'https://[2606:4700:4700::1111]/hooks'];

describe('the outbound address rule', () => {
  const refused = [
    '169.254.169.254', '10.0.0.1', '172.16.0.1', '192.168.1.1', '127.0.0.1', '127.8.9.10', '0.0.0.0', '100.64.0.1', '224.0.0.1',
    '255.255.255.255', '192.0.2.1', '240.0.0.1', '::1', '::', '::ffff:169.254.169.254', '::ffff:127.0.0.1', '::ffff:7f00:1', 'fe80::1',
    'fc00::1', 'fd12:3456::1', 'ff02::1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '2001:db8::1', 'not-an-address',
  ];

  it('refuses loopback, private, link-local, CGNAT, unique-local, multicast, reserved and IPv4-in-IPv6 forms', () => {
    for (const address of refused) {
      assert.equal(isPublicAddress(address), false, address);
      assert.equal(isAllowedAddress(address, false), false, address);
    }
  });

  it('accepts public unicast addresses', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      assert.equal(isPublicAddress(address), true, address);
      assert.equal(isAllowedAddress(address, false), true, address);
    }
  });

  it("with the operator's opt-in allows loopback and private addresses, never the unspecified one", () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', 'fd00::1', '169.254.169.254']) assert.equal(isAllowedAddress(address, true), true, address);
    for (const address of ['0.0.0.0', '::', 'not-an-address']) assert.equal(isAllowedAddress(address, true), false, address);
  });

  it('finds the obvious private destinations in URLs after WHATWG normalisation, and passes public ones', () => {
    for (const url of OBVIOUS_PRIVATE_URLS) assert.ok(obviousPrivateDestination(url), url);
    for (const url of PUBLIC_URLS) assert.equal(obviousPrivateDestination(url), undefined, url);
    assert.match(String(obviousPrivateDestination('http://2130706433/')), /127\.0\.0\.1 is a loopback address/);
  });
});

describe('sendOutbound', () => {
  let requests = 0;
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      if (request.url === '/redirect') response.writeHead(302, { location: '/elsewhere' }).end();
      else if (request.url === '/large') response.writeHead(200).end(Buffer.alloc(1024 * 1024, 'x'));
      else if (request.url === '/ok') response.writeHead(204).end();
      // '/hang': never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const timing = { connectTimeoutMs: 300, responseTimeoutMs: 600 };
  const open = { allowPrivate: true };

  it('refuses a loopback literal before connecting unless allowed', async () => {
    requests = 0;
    await assert.rejects(sendOutbound(`${base}/ok`, { method: 'POST', headers: {}, body: '{}', ...timing }, { allowPrivate: false }), OutboundRefusedError);
    assert.equal(requests, 0);
    assert.equal((await sendOutbound(`${base}/ok`, { method: 'POST', headers: {}, body: '{}', ...timing }, open)).status, 204);
  });

  it('gives up connecting after the connect timeout, here a name whose lookup never answers', async () => {
    const started = Date.now();
    const silent: LookupFunction = () => {};
    await assert.rejects(sendOutbound('http://silent.example/', { method: 'GET', headers: {}, ...timing }, { allowPrivate: false, lookup: silent }), (error: unknown) => {
      assert.ok(error instanceof OutboundTimeoutError);
      assert.match(error.message, /connecting timed out after 300 ms/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 590, `gave up after ${took} ms`);
  });

  it('gives up on a receiver that connects but never answers after the response timeout', async () => {
    const started = Date.now();
    await assert.rejects(sendOutbound(`${base}/hang`, { method: 'POST', headers: {}, body: '{}', ...timing }, open), /waiting for the response timed out after 600 ms/);
    assert.ok(Date.now() - started < 1500);
  });

  it('ends at once when aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('stopping')), 50);
    const started = Date.now();
    await assert.rejects(sendOutbound(`${base}/hang`, { method: 'POST', headers: {}, body: '{}', ...timing, signal: abort.signal }, open), /stopping/);
    assert.ok(Date.now() - started < 400);
  });

  it('does not follow redirects and keeps at most the capped body', async () => {
    requests = 0;
    const redirect = await sendOutbound(`${base}/redirect`, { method: 'POST', headers: {}, body: '{}', ...timing }, open);
    assert.equal(redirect.status, 302);
    assert.equal(requests, 1, 'the Location was not fetched');
    const large = await sendOutbound(`${base}/large`, { method: 'GET', headers: {}, ...timing, maxResponseBytes: 1000 }, open);
    assert.equal(large.status, 200);
    assert.equal(large.truncated, true);
    assert.equal(large.body.length, 1000);
  });
});

for (const dialect of dialects()) {
  describe(`link creation refuses private notify_url (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness | undefined;
    after(async () => h?.close());

    it('answers 422 notify_url_not_allowed for each obvious private address and stores no link', async () => {
      h = await createHarness(dialect.url as string);
      for (const url of OBVIOUS_PRIVATE_URLS) {
        const response = await create(h, url);
        assert.equal(response.status, 422, url);
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'notify_url_not_allowed', url);
        assert.match(body.error.message, /^notify_url must reach a public address: /);
      }
      assert.equal((await h.store.db.selectFrom('links').select('id').execute()).length, 0, 'no link stored');
    });

    it('accepts public notify_url values', async () => {
      for (const url of PUBLIC_URLS) assert.equal((await create(h, url)).status, 201, url);
    });

    it("accepts private ones with the operator's opt-in", async () => {
      // One test store at a time: Kysely's migrator, looking for its tables, sees other PostgreSQL schemas too.
      await h?.close();
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      for (const url of ['http://127.0.0.1:9000/hooks', 'http://localhost/hooks', 'http://10.0.0.1/hooks']) assert.equal((await create(h, url)).status, 201, url);
    });
  });
}

/** A public-looking name that resolves to loopback: what DNS rebinding or a hostile zone gives. */
const REBOUND_NAME = 'hooks.rebound.example';
const reboundLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== REBOUND_NAME) return (systemLookup as LookupFunction)(hostname, options, callback);
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('webhook delivery from a running server to a receiver on loopback', () => {
  const receiver = new WebhookReceiver();
  let port: number;
  const dataDirs: string[] = [];
  const servers: RunningKeyway[] = [];
  before(async () => {
    port = Number(new URL(await receiver.listen()).port);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await receiver.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Demo providers (to complete a flow), but the opt-in for private receivers is set explicitly. */
  async function start(allowPrivateWebhooks: boolean): Promise<{ server: RunningKeyway; h: Harness; tenantId: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyway-ssrf-'));
    dataDirs.push(dataDir);
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true });
    const server = await startKeyway(
      { ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', webhookPollMs: 50, providersFile: undefined, allowPrivateWebhooks },
      { log: () => {}, webhooks: { lookup: reboundLookup, backoffMs: () => 0 } },
    );
    servers.push(server);
    const key = await createApiKey(server.services.store.db, server.services.sealer, { tenantName: 'acme', now: Date.now() });
    const h = { app: { request: (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init) }, apiKey: key.apiKey, clock: { now: Date.now() } } as unknown as Harness;
    return { server, h, tenantId: key.tenantId };
  }

  async function completeFlow(h: Harness, notifyUrl: string): Promise<void> {
    const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl });
    await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(Date.now()) });
  }

  it('without the opt-in: refuses a loopback notify_url with 422, and sends nothing to a name or literal that reaches loopback', async () => {
    const { server, h, tenantId } = await start(false);
    const refused = await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock, { notify_url: `http://127.0.0.1:${port}/hooks` }), { 'x-api-key': h.apiKey });
    assert.equal(refused.status, 422);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'notify_url_not_allowed');

    // Passes the link check; only the connection-time check can see where it leads.
    await completeFlow(h, `http://${REBOUND_NAME}:${port}/hooks`);
    // Rows as a tenant could not create them through the API, to reach the filter directly:
    // `localhost` through the hosts file, and IP literals in their several spellings.
    const direct = [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`, `http://2130706433:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`];
    for (const url of direct) {
      const now = Date.now();
      await enqueueWebhook(server.services.store.db, { tenantId, url, now, event: { status: 'CREATION_SUCCESS', account_id: newId(), name: null, event_id: newId(), provider: 'DEMO', occurred_at: new Date(now).toISOString() } });
    }
    server.worker.kick();

    const rows = () => server.services.store.db.selectFrom('webhook_outbox').selectAll().execute();
    await until(async () => (await rows()).every((row) => row.failed_at !== null), 'every delivery to be refused');
    const all = await rows();
    assert.equal(all.length, 5);
    for (const row of all) {
      assert.equal(row.delivered_at, null, row.url);
      assert.equal(row.attempts, 1, `${row.url}: refused once, not retried`);
      assert.match(String(row.last_error), /^refused: .*(loopback|IPv4-mapped)/, row.url);
    }
    assert.match(String(all.find((row) => row.url.includes(REBOUND_NAME))?.last_error), /hooks\.rebound\.example resolves to 127\.0\.0\.1 is a loopback address/);
    assert.match(String(all.find((row) => row.url.includes('localhost'))?.last_error), /localhost resolves to/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.deliveries.length, 0, 'the receiver on 127.0.0.1 got nothing');
  });

  it('with the opt-in: the same name and the same receiver get the webhook', async () => {
    const { server, h, tenantId } = await start(true);
    await completeFlow(h, `http://${REBOUND_NAME}:${port}/hooks`);
    const [delivery] = await receiver.waitFor(1, 5000);
    assert.equal(JSON.parse(delivery?.body ?? '{}').status, 'CREATION_SUCCESS');
    assert.equal(delivery?.headers.host, `${REBOUND_NAME}:${port}`);
    const row = await server.services.store.db.selectFrom('webhook_outbox').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    await until(async () => (await server.services.store.db.selectFrom('webhook_outbox').select('delivered_at').where('id', '=', row.id).executeTakeFirstOrThrow()).delivered_at !== null, 'the delivery to be recorded');
  });
});
