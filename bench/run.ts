/**
 * Prints Keyway's figures next to baselines measured in the same run, in under 3 minutes, every part
 * bounded in time: cold start; link creation at 64 connections with rate limits on and off against a
 * raw node:http hello world and the hand-written ceilings (bench/ceiling-*.ts) on SQLite and, when one
 * answers, PostgreSQL, with a CPU profile of the link endpoint; a wrong-key flood; demo flows against
 * their ceiling (bench/flows.ts); 1,000 waiting flows (bench/waiting-flows.ts); two instances against
 * one on PostgreSQL (bench/scale-out.ts); the wizard's and the embed SDK's gzipped JS, the wizard's
 * first load and the embed's open time. It runs the built server: `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { CONNECTIONS, describeLoad, loadLinks, type Load } from './link-load.js';
import { benchPostgresUrl, freshDatabase } from './postgres.js';
import { freshDataDir, startKeywayCluster, startKeywayDemo, startUntil, stop } from './processes.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const WARMUP_SECONDS = 1;
const WRONG_KEY_SECONDS = 2;
/** Browser runs per figure for the wizard's first load and the embed's open time. */
const BROWSER_RUNS = process.env['BENCH_RUNS'] ?? '5';
/** No part may take longer than this; a stuck one fails the run instead of holding it. */
const PART_TIMEOUT_MS = 90_000;
const TOTAL_GOAL_S = 180;
/** The parts with several servers to start (profile, scale-out) measure for less, to keep the whole run under the goal. */
const SHORT_SECONDS = Math.max(2, SECONDS - 1);
const KEYWAY = ['bin/keyway.js', 'start', '--demo'];
const LISTENING = /^Keyway listening on (\S+)/;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function coldStart(): Promise<{ fresh: number; warm: number; hello: number }> {
  const fresh: number[] = [];
  const warm: number[] = [];
  const hello: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const dataDir = freshDataDir();
    const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0' };
    for (const into of [fresh, warm]) {
      const started = await startUntil('node', KEYWAY, LISTENING, env);
      into.push(started.readyMs);
      await stop(started.child);
    }
    rmSync(dataDir, { recursive: true, force: true });
    const baseline = await startUntil('node', ['bench/hello-server.js'], /^listening/);
    hello.push(baseline.readyMs);
    await stop(baseline.child);
  }
  return { fresh: median(fresh), warm: median(warm), hello: median(hello) };
}

/** A warm-up, then the measured load: the first second is the JIT's, not the server's. */
async function warmLinkLoad(url: string, apiKey: string): Promise<Load> {
  await loadLinks(url, apiKey, WARMUP_SECONDS);
  return loadLinks(url, apiKey, SECONDS);
}

/** Link creation against a fresh demo instance started with `env`, warmed up. */
async function linkLoad(env: NodeJS.ProcessEnv): Promise<Load> {
  const dataDir = freshDataDir();
  const keyway = await startKeywayDemo({ KEYWAY_DATA_DIR: dataDir, ...env });
  try {
    return await warmLinkLoad(keyway.url, keyway.apiKey);
  } finally {
    await stop(keyway.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The hand-written ceiling (bench/ceiling-*.ts) started with `args`, under the same load. */
async function ceilingLoad(script: string, args: string[]): Promise<Load> {
  const ceiling = await startUntil('node', ['--import', 'tsx', script, ...args], /^listening (\d+)/);
  const apiKey = ceiling.lines.map((line) => line.match(/^API key: (\S+)/)?.[1]).find(Boolean) as string;
  try {
    return await warmLinkLoad(`http://127.0.0.1:${ceiling.match[1]}`, apiKey);
  } finally {
    await stop(ceiling.child);
  }
}

interface Versus {
  keyway: Load;
  ceiling: Load;
}

async function sqliteVersusCeiling(keyway: Load): Promise<Versus> {
  const dataDir = freshDataDir();
  const ceiling = await ceilingLoad('bench/ceiling-sqlite.ts', [join(dataDir, 'ceiling.sqlite')]);
  rmSync(dataDir, { recursive: true, force: true });
  return { keyway, ceiling };
}

/** Keyway and the pg ceiling, each on a fresh database of the bench server; undefined when no PostgreSQL answers. */
async function postgresVersusCeiling(): Promise<Versus | undefined> {
  const server = await benchPostgresUrl();
  if (!server) return undefined;
  const forKeyway = await freshDatabase(server);
  const forCeiling = await freshDatabase(server);
  try {
    const cluster = await startKeywayCluster(forKeyway.url, 1, { KEYWAY_RATE_LIMITS: 'off' });
    const instance = cluster.instances[0];
    let keyway: Load;
    try {
      keyway = await warmLinkLoad(instance?.url as string, cluster.apiKey);
    } finally {
      if (instance) await stop(instance.child);
      rmSync(cluster.dataDir, { recursive: true, force: true });
    }
    const ceiling = await ceilingLoad('bench/ceiling-pg.ts', [forCeiling.url, 'public']);
    return { keyway, ceiling };
  } finally {
    await forKeyway.drop();
    await forCeiling.drop();
  }
}

function describeVersus(label: string, versus: Versus, goal: { share: number; p99: number }): string {
  const share = versus.keyway.rps / versus.ceiling.rps;
  const p99 = versus.keyway.p99 / versus.ceiling.p99;
  const met = share >= goal.share && p99 <= goal.p99 && versus.keyway.errors === 0 ? 'goal met' : 'goal not met';
  return `link creation vs hand-written ceiling, ${label}: Keyway ${describeLoad(versus.keyway)}; ceiling ${describeLoad(versus.ceiling)}; ` +
    `${(100 * share).toFixed(0)} % of its throughput (goal ≥ ${100 * goal.share} %), p99 ${p99.toFixed(2)}× (goal ≤ ${goal.p99}×): ${met}`;
}

/** A flood of wrong keys from one address: after the first few, every answer is a 429 from memory. */
async function wrongKeyFlood(): Promise<Load> {
  const dataDir = freshDataDir();
  const keyway = await startKeywayDemo({ KEYWAY_DATA_DIR: dataDir });
  try {
    return await loadLinks(keyway.url, `kw_${'A'.repeat(12)}_${'B'.repeat(43)}`, WRONG_KEY_SECONDS);
  } finally {
    await stop(keyway.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function helloLoad(): Promise<Load> {
  const hello = await startUntil('node', ['bench/hello-server.js'], /^listening (\d+)/);
  try {
    const result = await autocannon({ url: `http://127.0.0.1:${hello.match[1]}/`, connections: CONNECTIONS, duration: SECONDS });
    return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
  } finally {
    await stop(hello.child);
  }
}

/** Gzipped sizes of the built JS in `dir`. */
function gzippedFiles(dir: string): { file: string; raw: number; gzip: number }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Another bench script in a process of its own, its lines printed as they come, bounded in time. */
function part(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): void {
  execFileSync('node', ['--import', 'tsx', script, ...args], { stdio: 'inherit', timeout: PART_TIMEOUT_MS, env: { ...process.env, ...env } });
}

const start = await coldStart();
console.log(`cold start to "listening" (median of 5): fresh data dir ${start.fresh.toFixed(0)} ms, existing data dir ${start.warm.toFixed(0)} ms; baseline node:http hello ${start.hello.toFixed(0)} ms`);
const limited = await linkLoad({});
const unlimited = await linkLoad({ KEYWAY_RATE_LIMITS: 'off' });
const wrongKeys = await wrongKeyFlood();
const hello = await helloLoad();
console.log(`link creation, ${CONNECTIONS} connections, ${SECONDS} s, rate limits on: ${describeLoad(limited)}; baseline node:http hello: ${hello.rps.toFixed(0)} req/s, p99 ${hello.p99} ms`);
console.log(`link creation, rate limits off: ${describeLoad(unlimited)}; limits on cost ${(100 * (1 - limited.rps / unlimited.rps)).toFixed(1)} % of throughput`);
console.log(`wrong API keys from one address, rate limits on, ${WRONG_KEY_SECONDS} s: ${describeLoad(wrongKeys)} (all but the first few answered 429)`);
// Rate limits off on both sides: the ceiling has none, so this compares the same work.
console.log(describeVersus('SQLite, rate limits off', await sqliteVersusCeiling(unlimited), { share: 0.7, p99: 1.5 }));
const onPostgres = await postgresVersusCeiling();
console.log(onPostgres
  ? describeVersus('PostgreSQL, rate limits off', onPostgres, { share: 0.5, p99: 2 })
  : 'link creation on PostgreSQL: skipped (set KEYWAY_BENCH_DATABASE_URL, or run one on 127.0.0.1:5432)');
part('bench/profile-links.ts', [String(SHORT_SECONDS)]);
part('bench/flows.ts', [String(SECONDS)]);
part('bench/waiting-flows.ts', ['1000'], { BENCH_IDLE_SECONDS: '3', BENCH_CHANGES: '20' });
part('bench/scale-out.ts', [String(SHORT_SECONDS)]);
for (const asset of gzippedFiles(join('dist', 'widget', 'assets'))) console.log(`wizard JS ${asset.file}: ${kb(asset.raw)} raw, ${kb(asset.gzip)} gzipped`);
for (const asset of gzippedFiles(join('dist', 'embed'))) console.log(`embed SDK ${asset.file}: ${kb(asset.raw)} raw, ${kb(asset.gzip)} gzipped (budget 2.5 KB min+gzip)`);
// The wizard's first load and the embed SDK's open() time, from their own benches, in this same run.
for (const script of ['bench/wizard-load.ts', 'bench/embed.ts']) part(script, [], { BENCH_RUNS: BROWSER_RUNS });
const took = performance.now() / 1000;
console.log(`npm run bench took ${took.toFixed(0)} s (goal < ${TOTAL_GOAL_S} s)`);
