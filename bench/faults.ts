/**
 * Prints Keyway's figures under faults, each next to a baseline measured in the same run: how soon
 * requests succeed once PostgreSQL takes connections again, how long SIGTERM takes with 64 connections
 * busy plus a silent client and a half-sent request, and a healthy webhook receiver's latency while
 * another receiver never answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_SHUTDOWN_GRACE_MS, loadConfig } from '../src/server/config.js';
import { newId } from '../src/server/security/tokens.js';
import { startKeyway, type RunningKeyway } from '../src/server/server.js';
import { createApiKey } from '../src/server/store/tenants.js';
import { enqueueWebhook } from '../src/server/webhooks/outbox.js';
import { createKeyWithCli, keywayEnv, kill, removeDataDir, spawnKeyway, type KeywayProcess } from '../test/server/keyway-process.js';
import { WebhookReceiver } from '../test/server/receiver.js';

const PG_URL = process.env['KEYWAY_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const OUTAGES = 5;
const OUTAGE_MS = 1000;
const TICK_MS = 20;
const CONNECTIONS = 64;
const HEALTHY_EVENTS = 20;
const HANGING_EVENTS = 20;
/** The whole run; past it, children are killed and the database dropped before exiting 1. */
const WATCHDOG_MS = 90_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : 'n/a');
const describe = (error: unknown) => (error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error));
const tally = (values: (string | number)[]) =>
  Object.entries(values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {}))
    .map(([value, count]) => `${value}: ${count}`)
    .join(', ') || 'none';

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

// Everything the run started, so the watchdog can undo it as the finally blocks would.
const children = new Set<KeywayProcess>();
let dropDatabase: (() => Promise<void>) | undefined;
function abandon(why: string): void {
  console.error(`bench:faults: ${why}; stopping`);
  for (const keyway of children) kill(keyway.child);
  void (dropDatabase?.() ?? Promise.resolve()).finally(() => process.exit(1));
}
const watchdog = setTimeout(() => abandon(`still running after ${WATCHDOG_MS / 1000} s`), WATCHDOG_MS);
watchdog.unref();
process.once('SIGINT', () => abandon('interrupted'));

async function spawnTracked(env: NodeJS.ProcessEnv): Promise<KeywayProcess> {
  const keyway = await spawnKeyway(env);
  children.add(keyway);
  return keyway;
}

async function stopTracked(keyway: KeywayProcess | undefined): Promise<void> {
  if (!keyway) return;
  kill(keyway.child);
  await keyway.exited(5000).catch(() => {});
  children.delete(keyway);
}

const linkBody = () => JSON.stringify({ type: 'create', providers: '*', api_url: 'https://api.example.com', expiresOn: new Date(Date.now() + 3_600_000).toISOString() });

interface Sample {
  kind: 'readyz' | 'link';
  sentAt: number;
  doneAt: number;
  status: number | 'failed';
  body: string;
}

async function sample(kind: Sample['kind'], url: string, init: RequestInit = {}): Promise<Sample> {
  const sentAt = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    const body = await response.text();
    return { kind, sentAt, doneAt: performance.now(), status: response.status, body };
  } catch (error) {
    return { kind, sentAt, doneAt: performance.now(), status: 'failed', body: describe(error) };
  }
}

/** Starts `fire` every TICK_MS whether or not the last one finished, so a slow answer does not hide the moment the database is back. */
function openLoop(fire: () => Promise<Sample>, into: Sample[]): () => Promise<void> {
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const done = fire().then((s) => void into.push(s));
    pending.add(done);
    void done.finally(() => pending.delete(done));
  }, TICK_MS);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
  };
}

async function databaseOutage(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    return [`database outage: skipped, no PostgreSQL answers at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')} (${describe(error)})`];
  }
  // A database of its own: the shared one's sessions belong to other suites.
  const database = `kw_bench_${randomBytes(5).toString('hex')}`;
  let keyway: KeywayProcess | undefined;
  let env: NodeJS.ProcessEnv | undefined;
  let stopLoops: (() => Promise<void>)[] = [];
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    dropDatabase = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      dropDatabase = undefined;
    };
    const url = new URL(PG_URL);
    url.pathname = `/${database}`;
    env = keywayEnv({ KEYWAY_DATABASE_URL: url.href, KEYWAY_DEMO: '1', KEYWAY_RATE_LIMITS: 'off', KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0' });
    const apiKey = await createKeyWithCli(env, 'bench');
    keyway = await spawnTracked(env);
    const base = keyway.url;
    const samples: Sample[] = [];
    const linkInit = () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: linkBody() });
    stopLoops = [openLoop(() => sample('readyz', `${base}/readyz`), samples), openLoop(() => sample('link', `${base}/api/v1/hosted/accounts/link`, linkInit()), samples)];

    // The steady state before the first outage, at the same load, is the baseline.
    await sleep(1500);
    const baselineEnd = performance.now();
    const outages: { down: number; back: number }[] = [];
    const firstOk = (kind: Sample['kind'], after: number) =>
      samples.filter((s) => s.kind === kind && typeof s.status === 'number' && s.status < 300 && s.doneAt > after).reduce((first, s) => Math.min(first, s.doneAt), Infinity);
    for (let n = 0; n < OUTAGES; n += 1) {
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      // Down once its sessions are gone (termination is a signal, not a wait): until then a pooled connection may still serve.
      const sessions = async () => Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0]?.n);
      for (const deadline = performance.now() + 2000; (await sessions()) > 0 && performance.now() < deadline; ) await sleep(5);
      const down = performance.now();
      await sleep(OUTAGE_MS);
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      const back = performance.now();
      outages.push({ down, back });
      await until(() => firstOk('readyz', back) < Infinity && firstOk('link', back) < Infinity, 5000);
      await sleep(500);
    }
    await Promise.all(stopLoops.map((stop) => stop()));
    stopLoops = [];

    const lines: string[] = [];
    for (const kind of ['readyz', 'link'] as const) {
      const label = kind === 'readyz' ? 'GET /readyz' : 'POST link creation';
      const normal = samples.filter((s) => s.kind === kind && s.sentAt < baselineEnd && s.status !== 'failed' && s.status < 300).map((s) => s.doneAt - s.sentAt);
      const recovery = outages.map(({ back }) => firstOk(kind, back) - back);
      const during = samples.filter((s) => s.kind === kind && outages.some(({ down, back }) => s.sentAt >= down && s.doneAt < back));
      const recovered = recovery.filter(Number.isFinite);
      lines.push(
        `database back → first 2xx, ${label} every ${TICK_MS} ms, ${OUTAGES} outages of ${OUTAGE_MS / 1000} s: median ${ms(percentile(recovered, 50))}, max ${ms(Math.max(...recovered))}` +
          `${recovered.length < OUTAGES ? ` (no 2xx within 5 s after ${OUTAGES - recovered.length} of them)` : ''}; baseline normal latency median ${ms(percentile(normal, 50))} (${normal.length} requests)`,
      );
      lines.push(`  sent and answered during the outages (${during.length} requests): ${tally(during.map((s) => s.status))}`);
    }
    const errors = samples.filter((s) => s.status === 500 || s.status === 'failed' || (typeof s.status === 'number' && s.status > 503));
    if (errors.length === 0) lines.push('  no 500s and no failed requests');
    else {
      lines.push(`  ${errors.length} requests answered 500 or failed: ${tally(errors.map((s) => `${s.kind} ${s.status}`))}`);
      for (const body of new Set(errors.map((s) => `${s.kind} ${s.status} ${s.body.slice(0, 300)}`))) lines.push(`    ${body}`);
      const first = keyway.lines.find((line) => /unexpected error/.test(line));
      if (first) lines.push(`    first logged: ${first.split('\n').slice(0, 2).join(' | ').slice(0, 300)}`);
    }
    const logged = (pattern: RegExp) => keyway?.lines.filter((line) => pattern.test(line)).length ?? 0;
    lines.push(
      `  Keyway logged: ${logged(/unexpected error/)} unexpected errors, ${logged(/database unavailable on/)} "database unavailable" lines, ${logged(/ paused: /)} worker pauses, ${logged(/ pass failed: /)} failed worker passes`,
    );
    if (keyway.child.exitCode !== null) lines.push(`  Keyway exited with ${keyway.child.exitCode} during the outages`);
    return lines;
  } finally {
    await Promise.all(stopLoops.map((stop) => stop()));
    await stopTracked(keyway);
    if (env) removeDataDir(env);
    await dropDatabase?.();
    await admin.end().catch(() => {});
  }
}

type Outcome = { status: number; close: boolean; sentAt: number; doneAt: number } | { error: string; sentAt: number; doneAt: number };

function post(url: URL, agent: Agent, apiKey: string): Promise<Outcome> {
  const sentAt = performance.now();
  const body = linkBody();
  return new Promise((resolve) => {
    const settle = (outcome: Omit<Outcome, 'sentAt' | 'doneAt'>) => resolve({ ...outcome, sentAt, doneAt: performance.now() } as Outcome);
    const req = request(
      url,
      { method: 'POST', agent, timeout: 20_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': apiKey } },
      (response) => {
        response.resume();
        response.once('end', () => settle({ status: response.statusCode ?? 0, close: response.headers.connection === 'close' }));
        response.once('aborted', () => settle({ error: 'response cut' }));
        response.once('error', (error) => settle({ error: describe(error) }));
      },
    );
    req.once('error', (error) => settle({ error: describe(error) }));
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

function rawConnection(url: string): Promise<{ socket: Socket; closed: Promise<number> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve({ socket, closed }));
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.once('error', reject);
    const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now())));
  });
}

const shutdownEnv = () => keywayEnv({ KEYWAY_DEMO: '1', KEYWAY_RATE_LIMITS: 'off', KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0' });

async function idleShutdown(): Promise<number> {
  const env = shutdownEnv();
  let keyway: KeywayProcess | undefined;
  try {
    keyway = await spawnTracked(env);
    await sleep(300);
    const signalled = performance.now();
    keyway.child.kill('SIGTERM');
    await keyway.exited(15_000);
    return performance.now() - signalled;
  } finally {
    await stopTracked(keyway);
    removeDataDir(env);
  }
}

async function busyShutdown(): Promise<string[]> {
  const env = shutdownEnv();
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let keyway: KeywayProcess | undefined;
  const raw: Socket[] = [];
  try {
    const apiKey = await createKeyWithCli(env, 'bench');
    keyway = await spawnTracked(env);
    const url = new URL('/api/v1/hosted/accounts/link', keyway.url);
    let signalledAt = Infinity;
    const after: Outcome[] = [];
    const warmup: Outcome[] = [];
    let warmedUp = 0;
    // Each client sends again as soon as it has an answer, until the server closes its connection.
    const clients = Array.from({ length: CONNECTIONS }, async () => {
      for (let first = true; ; first = false) {
        const outcome = await post(url, agent, apiKey);
        if (first) warmedUp += 1;
        if (outcome.doneAt < signalledAt) {
          if ('error' in outcome) return void warmup.push(outcome);
          continue;
        }
        after.push(outcome);
        if ('error' in outcome || outcome.close) return;
      }
    });
    await until(() => warmedUp === CONNECTIONS, 10_000);
    await sleep(500);
    const silent = await rawConnection(keyway.url);
    const halfHeader = await rawConnection(keyway.url);
    raw.push(silent.socket, halfHeader.socket);
    halfHeader.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await sleep(200);

    signalledAt = performance.now();
    keyway.child.kill('SIGTERM');
    const code = await keyway.exited(25_000);
    const exitMs = performance.now() - signalledAt;
    await Promise.race([Promise.all(clients), sleep(5000)]);

    const inFlight = after.filter((o) => o.sentAt < signalledAt);
    const later = after.filter((o) => o.sentAt >= signalledAt);
    const describeOutcomes = (outcomes: Outcome[]) => {
      const completed = outcomes.filter((o) => 'status' in o);
      const cut = outcomes.filter((o) => 'error' in o);
      return `${completed.length} completed (${tally(completed.map((o) => ('status' in o ? o.status : 0)))}), ${cut.length} cut (${tally(cut.map((o) => ('error' in o ? o.error : '')))})`;
    };
    const lastAnswer = Math.max(...after.filter((o) => 'status' in o).map((o) => o.doneAt - signalledAt));
    const withClose = after.filter((o) => 'status' in o && o.close).length;
    // Keyway logs each request it answers; what it answered after it began to stop says whether a cut request was handled.
    const stopping = keyway.lines.findIndex((line) => line.startsWith('Keyway stopping'));
    const handledWhileStopping = stopping < 0 ? NaN : keyway.lines.slice(stopping).filter((line) => /^[A-Z]+ \S+ \d{3} /.test(line)).length;
    const closedAt = async (connection: { closed: Promise<number> }) => ms((await Promise.race([connection.closed, sleep(1000).then(() => NaN)])) - signalledAt);
    return [
      `SIGTERM → exit, ${CONNECTIONS} busy keep-alive connections + a silent one + a half-sent request header, grace ${DEFAULT_SHUTDOWN_GRACE_MS / 1000} s (the default): ${ms(exitMs)} (exit code ${code})`,
      `  in flight at SIGTERM: ${inFlight.length} — ${describeOutcomes(inFlight)}; last answer ${ms(lastAnswer)} after SIGTERM`,
      `  sent after SIGTERM on open connections: ${later.length} — ${describeOutcomes(later)}; ${withClose} answers carried Connection: close; Keyway answered ${handledWhileStopping} requests after printing "Keyway stopping"`,
      `  silent connection closed after ${await closedAt(silent)}, half-sent header closed after ${await closedAt(halfHeader)}${warmup.length ? `; ${warmup.length} errors before SIGTERM (${tally(warmup.map((o) => ('error' in o ? o.error : '')))})` : ''}`,
    ];
  } finally {
    for (const socket of raw) socket.destroy();
    agent.destroy();
    await stopTracked(keyway);
    removeDataDir(env);
  }
}

async function webhookIsolation(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-faults-'));
  const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  const healthy = new WebhookReceiver();
  let hangingOpen = 0;
  // Reads the request and never answers: the worker waits out its response timeout (10 s).
  const hanging = createServer((req, res) => {
    hangingOpen += 1;
    res.once('close', () => (hangingOpen -= 1));
    req.resume();
  });
  let keyway: RunningKeyway | undefined;
  try {
    keyway = await startKeyway({ ...config, port: 0, allowPrivateWebhooks: true }, { log: () => {} });
    const { worker } = keyway;
    const healthyUrl = await healthy.listen();
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hooks`;
    const { db } = keyway.services.store;
    const { tenantId } = await createApiKey(db, keyway.services.sealer, { tenantName: 'bench', now: Date.now() });
    const event = () => ({ status: 'CREATION_SUCCESS' as const, account_id: newId(), name: 'bench', event_id: newId(), provider: 'DEMO', occurred_at: new Date().toISOString() });

    // One at a time, as the engine does: write the row, then kick the worker; timed from the kick to arrival.
    const deliverToHealthy = async (): Promise<number[]> => {
      const latencies: number[] = [];
      for (let i = 0; i < HEALTHY_EVENTS; i += 1) {
        await enqueueWebhook(db, { tenantId, url: healthyUrl, event: event(), now: Date.now() });
        const queued = performance.now();
        worker.kick();
        await healthy.waitFor(healthy.deliveries.length + 1, 5000);
        latencies.push(performance.now() - queued);
        await sleep(10);
      }
      return latencies;
    };

    await deliverToHealthy();
    healthy.deliveries.length = 0;
    const baseline = await deliverToHealthy();
    for (let i = 0; i < HANGING_EVENTS; i += 1) await enqueueWebhook(db, { tenantId, url: hangingUrl, event: event(), now: Date.now() });
    worker.kick();
    const hung = await until(() => hangingOpen >= 2, 5000);
    const pending = await db.selectFrom('webhook_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('url', '=', hangingUrl).where('delivered_at', 'is', null).executeTakeFirstOrThrow();
    const beside = await deliverToHealthy();
    return (
      `webhook enqueue → arrival at a healthy receiver, ${HEALTHY_EVENTS} events one at a time, while a receiver that never answers has ${Number(pending.n)} pending (${hangingOpen} requests open to it${hung ? '' : ', fewer than the 2 expected'}): ` +
      `median ${ms(percentile(beside, 50))}, p95 ${ms(percentile(beside, 95))}; baseline without it: median ${ms(percentile(baseline, 50))}, p95 ${ms(percentile(baseline, 95))}`
    );
  } finally {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
    await keyway?.close();
    await healthy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One figure's lines; a figure that fails says why and the others still run. */
async function figure(name: string, run: () => Promise<string[]>): Promise<void> {
  try {
    for (const line of await run()) console.log(line);
  } catch (error) {
    process.exitCode = 1;
    console.log(`${name}: failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

const started = performance.now();
try {
  await figure('database outage', databaseOutage);
  await figure('shutdown', async () => {
    const idle = await idleShutdown();
    const [first, ...rest] = await busyShutdown();
    return [`${first}; baseline idle instance: ${ms(idle)}`, ...rest];
  });
  await figure('webhook isolation', async () => [await webhookIsolation()]);
  console.log(`(bench:faults took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  clearTimeout(watchdog);
  for (const keyway of children) kill(keyway.child);
  await dropDatabase?.();
}
