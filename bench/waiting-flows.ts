/**
 * Waiting flows: N event streams open (default 1,000, at most 1,000) on a Keyway instance, its CPU
 * while nothing changes next to the same instance with none open, then how long a change (a step
 * submitted on a sampled flow) takes to reach that flow's stream. On SQLite one instance does both;
 * on PostgreSQL (when one answers) the streams wait on instance B and the changes are made on
 * instance A, so each change crosses instances. Loopback only; every part is bounded.
 * Usage: node --import tsx bench/waiting-flows.ts [streams]
 */
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { EVENTS_POLL_MS } from '../src/server/routes/flow-events.js';
import { processCpuSeconds } from './cpu-usage.js';
import { benchPostgresUrl, freshDatabase } from './postgres.js';
import { freshDataDir, startKeywayCluster, startKeywayDemo, stop, type KeywayInstance } from './processes.js';
import { percentile } from './stats.js';

const STREAMS = Math.min(Number(process.argv[2] ?? 1000), 1000);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 10);
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? 50);
const SETTLE_MS = 1500;
/** A change that has not arrived by then counts as lost, and the run goes on. */
const CHANGE_TIMEOUT_MS = 5000;

async function idleCpu(pid: number): Promise<number> {
  const before = processCpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  return (processCpuSeconds(pid) - before) / IDLE_SECONDS;
}

interface Opened {
  token: string;
  stepId: string;
}

interface Waiting {
  idleWithout: number;
  idleWith: number;
  p50: number;
  p99: number;
  lost: number;
}

/** Streams open on `streamsOn`; links, flows and changes go through `changesOn` with `apiKey`. */
async function measure(streamsOn: KeywayInstance, changesOn: KeywayInstance, apiKey: string): Promise<Waiting> {
  // Each stream holds a connection of its own for as long as it is open.
  const agent = new Agent({ keepAlive: true, maxSockets: STREAMS + 50 });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${changesOn.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function openFlow(): Promise<Opened> {
    const link = await post('/api/v1/hosted/accounts/link', {
      type: 'create', providers: '*', api_url: changesOn.url, expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(), success_redirect_url: 'https://app.example.com/ok',
    }, { 'x-api-key': apiKey });
    const { url } = (await link.json()) as { url: string };
    const flow = await post('/api/v1/flows', { link: url.split('/connect/')[1] });
    const opened = (await flow.json()) as { token: string; flow: { step: { id: string } } };
    return { token: opened.token, stepId: opened.flow.step.id };
  }

  /** Opens the flow's event stream; `onEvent` hears the arrival time of each `flow` event after the first. */
  function listen(flow: Opened, onEvent: (at: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const events = request(`${streamsOn.url}/api/v1/flows/current/events`, { agent, headers: { authorization: `Bearer ${flow.token}` } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`events answered ${response.statusCode}`));
        let seen = 0;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          for (const line of chunk.split('\n')) if (line === 'event: flow' && seen++ > 0) onEvent(performance.now());
        });
        response.on('error', () => {});
        resolve();
      });
      events.on('error', reject);
      events.end();
    });
  }

  const pid = streamsOn.child.pid as number;
  const idleWithout = await idleCpu(pid);
  const flows: Opened[] = [];
  for (let at = 0; at < STREAMS; at += 50) flows.push(...(await Promise.all(Array.from({ length: Math.min(50, STREAMS - at) }, openFlow))));
  const arrivals = new Map<number, (at: number) => void>();
  await Promise.all(flows.map((flow, index) => listen(flow, (at) => arrivals.get(index)?.(at))));
  // Opening them made garbage and first events; idle starts once that is done.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const idleWith = await idleCpu(pid);

  const latencies: number[] = [];
  let lost = 0;
  for (let change = 0; change < CHANGES; change += 1) {
    const index = Math.floor((change * flows.length) / CHANGES);
    const flow = flows[index] as Opened;
    // Changes come at random moments, not in step with the poll that delivered the last one.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<number | undefined>((resolve) => {
      arrivals.set(index, resolve);
      timer = setTimeout(() => resolve(undefined), CHANGE_TIMEOUT_MS);
    });
    const sent = performance.now();
    await post('/api/v1/flows/current/steps', { kind: 'providers', stepId: flow.stepId, provider: 'DEMO' }, { authorization: `Bearer ${flow.token}` });
    const at = await arrived;
    clearTimeout(timer);
    if (at === undefined) lost += 1;
    else latencies.push(at - sent);
  }
  agent.destroy();
  return { idleWithout, idleWith, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), lost };
}

function describe(label: string, waiting: Waiting): string {
  return `waiting flows, ${label}: ${STREAMS} event streams open, idle ${IDLE_SECONDS} s: ${(100 * waiting.idleWith).toFixed(1)} % of one core (goal < 5 %); ` +
    `baseline the same instance with none open: ${(100 * waiting.idleWithout).toFixed(1)} %\n` +
    `  change → event on its stream (${CHANGES} changes among ${STREAMS} streams): p50 ${waiting.p50.toFixed(0)} ms, p99 ${waiting.p99.toFixed(0)} ms (goal ≤ 300 ms)${waiting.lost ? `, ${waiting.lost} not arrived within ${CHANGE_TIMEOUT_MS} ms` : ''}`;
}

async function onSqlite(): Promise<string> {
  const dataDir = freshDataDir();
  const keyway = await startKeywayDemo({ KEYWAY_DATA_DIR: dataDir, KEYWAY_RATE_LIMITS: 'off' });
  try {
    return describe(`SQLite, one instance (shared poll every ${EVENTS_POLL_MS} ms)`, await measure(keyway, keyway, keyway.apiKey));
  } finally {
    await stop(keyway.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function acrossPostgresInstances(): Promise<string> {
  const server = await benchPostgresUrl();
  if (!server) return 'waiting flows on PostgreSQL: skipped (set KEYWAY_BENCH_DATABASE_URL, or run one on 127.0.0.1:5432)';
  const database = await freshDatabase(server);
  const cluster = await startKeywayCluster(database.url, 2, { KEYWAY_RATE_LIMITS: 'off' });
  const [changesOn, streamsOn] = cluster.instances as [KeywayInstance, KeywayInstance];
  try {
    return describe('PostgreSQL, streams on instance B, changes made on instance A (LISTEN/NOTIFY)', await measure(streamsOn, changesOn, cluster.apiKey));
  } finally {
    await Promise.all(cluster.instances.map((instance) => stop(instance.child)));
    rmSync(cluster.dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

console.log(await onSqlite());
console.log(await acrossPostgresInstances());
