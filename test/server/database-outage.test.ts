import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { totpCode } from './harness.js';
import { createKeyWithCli, keywayEnv, kill, removeDataDir, spawnKeyway, type KeywayProcess } from './keyway-process.js';
import { WebhookReceiver } from './receiver.js';

const testUrl = process.env['KEYWAY_TEST_DATABASE_URL'];
if (!testUrl) console.log('# database outage: KEYWAY_TEST_DATABASE_URL is unset, so the PostgreSQL outage tests are skipped');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP hop between Keyway and PostgreSQL that can play a database restart: while down it drops every
 * connection and refuses new ones at once, as a server that is shutting down or starting up does.
 */
class CuttableProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #down = false;

  async listen(target: { host: string; port: number }): Promise<number> {
    this.#server = createServer((client) => {
      if (this.#down) return void client.destroy();
      const upstream = connect(target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => {});
        socket.once('close', () => {
          this.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  down(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  up(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

type Answer = { status: number; retryAfter: string | null; code: string | undefined } | { failed: string };

describe('a PostgreSQL outage (sessions terminated, server gone for a while)', { skip: testUrl ? false : 'KEYWAY_TEST_DATABASE_URL is unset' }, () => {
  // Other suites share the test database, so this one terminates only the sessions of a database of its own.
  const database = `kw_outage_${randomBytes(5).toString('hex')}`;
  const proxy = new CuttableProxy();
  const receiver = new WebhookReceiver();
  let admin: pg.Client;
  let keyway: KeywayProcess;
  let apiKey: string;
  let notifyUrl: string;

  before(async () => {
    admin = new pg.Client({ connectionString: testUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const target = new URL(testUrl as string);
    const proxyPort = await proxy.listen({ host: target.hostname, port: Number(target.port || 5432) });
    const databaseUrl = new URL(testUrl as string);
    databaseUrl.host = `127.0.0.1:${proxyPort}`;
    databaseUrl.pathname = `/${database}`;
    notifyUrl = await receiver.listen();
    const env = keywayEnv({
      KEYWAY_DATABASE_URL: databaseUrl.href,
      KEYWAY_DEMO: '1',
      KEYWAY_ALLOW_PRIVATE_WEBHOOKS: '1',
      KEYWAY_RATE_LIMITS: 'off',
      KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0',
    });
    apiKey = await createKeyWithCli(env, 'acme');
    keyway = await spawnKeyway(env);
  });

  after(async () => {
    kill(keyway?.child);
    await keyway?.exited(5000).catch(() => {});
    if (keyway) removeDataDir(keyway.env);
    await receiver.close();
    await proxy.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin?.end();
  });

  /** Ends every session Keyway has open, as a restart or a failover does. */
  async function terminateSessions(): Promise<number> {
    const result = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return result.rowCount ?? 0;
  }

  function linkBody(overrides: Record<string, unknown> = {}): string {
    return JSON.stringify({ type: 'create', providers: '*', api_url: 'https://api.acme.test', expiresOn: new Date(Date.now() + 3_600_000).toISOString(), ...overrides });
  }

  async function answer(path: string, init: RequestInit = {}): Promise<Answer> {
    try {
      const response = await fetch(`${keyway.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
      const body = (await response.json().catch(() => ({}))) as { error?: { code: string } };
      return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.error?.code };
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  }

  const createLink = (body = linkBody()) => answer('/api/v1/hosted/accounts/link', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body });

  async function api<T>(path: string, body: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey && !token ? { 'x-api-key': apiKey } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(`${keyway.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  type FlowJson = { status: string; step: { kind: string; id: string } };

  /** Opens a flow with the demo provider and walks it to the MFA step. */
  async function flowAtMfaStep(): Promise<{ token: string; flow: FlowJson }> {
    const { url } = await api<{ url: string }>('/api/v1/hosted/accounts/link', JSON.parse(linkBody({ notify_url: notifyUrl })));
    const { token, flow } = await api<{ token: string; flow: FlowJson }>('/api/v1/flows', { link: url.split('/connect/')[1] });
    const credentials = await api<FlowJson>('/api/v1/flows/current/steps', { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' }, token);
    const mfa = await api<FlowJson>('/api/v1/flows/current/steps', { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo' } }, token);
    assert.equal(mfa.step.kind, 'mfa');
    return { token, flow: mfa };
  }

  it('answers 503 with Retry-After during the outage, never a 500, stays up and serves the first request after it', async (t) => {
    const answers: Answer[] = [];
    const started = Date.now();
    // Six clients, each starting a link creation every 60 ms: about 300 requests over 3 s.
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let n = 0; n < 50; n += 1) {
          answers.push(await createLink());
          await sleep(Math.max(0, started + (n + 1) * 60 - Date.now()));
        }
      }),
    );
    let terminated = 0;
    for (const at of [300, 700, 1100]) {
      await sleep(Math.max(0, started + at - Date.now()));
      terminated += await terminateSessions();
    }
    await sleep(Math.max(0, started + 1400 - Date.now()));
    proxy.down();
    await sleep(300);
    const readyDuringOutage = await answer('/readyz');
    await sleep(600);
    proxy.up();
    await sleep(Math.max(0, started + 2500 - Date.now()));
    terminated += await terminateSessions();
    await load;

    assert.equal(keyway.child.exitCode, null, `the process is alive:\n${keyway.lines.slice(-20).join('\n')}`);
    assert.ok(terminated > 0, 'sessions were terminated');
    assert.equal(answers.length, 300);
    const unexpected = answers.filter((a) => !('status' in a) || (a.status !== 201 && a.status !== 503));
    assert.deepEqual(unexpected, [], 'every answer is 201 or 503');
    const unavailable = answers.filter((a): a is Extract<Answer, { status: number }> => 'status' in a && a.status === 503);
    t.diagnostic(`${answers.length - unavailable.length} links created, ${unavailable.length} answered 503, ${terminated} sessions terminated`);
    assert.ok(unavailable.length > 0, 'the outage was felt');
    for (const a of unavailable) {
      assert.equal(a.code, 'database_unavailable');
      assert.ok(Number(a.retryAfter) > 0, 'a 503 says when to retry');
    }
    assert.ok(answers.filter((a) => 'status' in a && a.status === 201).length > unavailable.length, 'most requests succeed');
    assert.deepEqual('status' in readyDuringOutage ? [readyDuringOutage.status, readyDuringOutage.code] : readyDuringOutage, [503, 'database_unavailable']);

    // Right after a termination, the pool has let go of the dead connections: the next request gets a new one.
    await terminateSessions();
    await sleep(100);
    assert.equal(((await createLink()) as { status: number }).status, 201);
    assert.equal(((await answer('/readyz')) as { status: number }).status, 200);
    assert.ok(!keyway.lines.some((line) => /unexpected error|internal_error|\s500\s/.test(line)), 'no 500 logged');
  });

  it('carries a flow in progress and a pending webhook through the outage', async () => {
    receiver.deliveries.length = 0;
    // The first delivery fails, so the webhook is pending, due again in about two seconds, when the database goes.
    receiver.statuses = [500];
    const inProgress = await flowAtMfaStep();
    const finished = await flowAtMfaStep();
    await api('/api/v1/flows/current/steps', { kind: 'mfa', stepId: finished.flow.step.id, code: totpCode(Date.now()) }, finished.token);
    await receiver.waitFor(1, 5000);
    const pendingEvent = receiver.deliveries[0]?.headers['keyway-event-id'];
    const pausedBefore = keyway.lines.filter((line) => line.includes('webhook paused')).length;

    const stream = await fetch(`${keyway.url}/api/v1/flows/current/events`, { headers: { authorization: `Bearer ${inProgress.token}` }, signal: AbortSignal.timeout(15_000) });
    const streamText = stream.text();
    await terminateSessions();
    proxy.down();
    await sleep(500);
    const duringOutage = await answer('/api/v1/flows/current/steps', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${inProgress.token}` },
      body: JSON.stringify({ kind: 'mfa', stepId: inProgress.flow.step.id, code: totpCode(Date.now()) }),
    });
    await sleep(2500);
    proxy.up();

    assert.deepEqual('status' in duringOutage ? [duringOutage.status, duringOutage.code] : duringOutage, [503, 'database_unavailable']);
    assert.match(await streamText, /event: error\ndata: \{"error":\{"code":"database_unavailable"/, 'the event stream ends with the error, not a crash');
    const done = await api<FlowJson>('/api/v1/flows/current/steps', { kind: 'mfa', stepId: inProgress.flow.step.id, code: totpCode(Date.now()) }, inProgress.token);
    assert.equal(done.step.kind, 'success', 'the flow completes after the outage');

    const deliveries = await receiver.waitFor(3, 20_000);
    const events = deliveries.map((delivery) => delivery.headers['keyway-event-id']);
    assert.ok(events.slice(1).includes(pendingEvent), 'the pending webhook is retried after the outage');
    assert.equal(new Set(events).size, 2, 'and the new flow reports its own');
    assert.equal(keyway.child.exitCode, null);
    const paused = keyway.lines.filter((line) => line.includes('webhook paused')).length - pausedBefore;
    assert.equal(paused, 1, `the worker says once that it paused:\n${keyway.lines.filter((line) => line.includes('[keyway]')).join('\n')}`);
    assert.ok(keyway.lines.some((line) => line.includes('webhook resumed')));
  });
});
