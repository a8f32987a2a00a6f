/**
 * Prints Keyway's figures next to baselines measured in the same run:
 * cold start to "listening", link creation throughput at 64 connections with rate limits on and off
 * against a raw node:http hello world and the hand-written ceilings (bench/ceiling-*.ts) on SQLite and,
 * when one answers, PostgreSQL; a wrong-key flood, the wizard's gzipped JS size, first load and embed open time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { benchPostgresUrl, freshDatabase } from './postgres.js';
import { freshDataDir, startUntil, stop } from './processes.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
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

interface Load {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

const describeLoad = (result: Load) => `${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms (errors ${result.errors}, non-2xx ${result.non2xx})`;

function linkBody(url: string): string {
  return JSON.stringify({
    type: 'create',
    providers: '*',
    api_url: url,
    expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    success_redirect_url: 'https://app.example.com/ok',
    failure_redirect_url: 'https://app.example.com/ko',
    notify_url: 'https://app.example.com/hooks',
    name: 'bench-user',
  });
}

function loadLinks(url: string, apiKey: string): Promise<Load> {
  const base = url.replace('localhost', '127.0.0.1');
  return load({ url: `${base}/api/v1/hosted/accounts/link`, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: linkBody(base) });
}

/** Link creation against a fresh demo instance started with `env`; `apiKey` replaces the printed key when given (a wrong one, say). */
async function linkLoad(env: NodeJS.ProcessEnv, apiKey?: string): Promise<Load> {
  const dataDir = freshDataDir();
  const keyway = await startUntil('node', KEYWAY, /^API key: (\S+)/, { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', ...env });
  const url = keyway.lines.map((line) => line.match(LISTENING)?.[1]).find(Boolean) as string;
  const result = await loadLinks(url, apiKey ?? (keyway.match[1] as string));
  await stop(keyway.child);
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

/** The hand-written ceiling (bench/ceiling-*.ts) started with `args`, under the same load. */
async function ceilingLoad(script: string, args: string[]): Promise<Load> {
  const ceiling = await startUntil('node', ['--import', 'tsx', script, ...args], /^listening (\d+)/);
  const apiKey = ceiling.lines.map((line) => line.match(/^API key: (\S+)/)?.[1]).find(Boolean) as string;
  const result = await loadLinks(`http://127.0.0.1:${ceiling.match[1]}`, apiKey);
  await stop(ceiling.child);
  return result;
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
    const keyway = await linkLoad({ KEYWAY_DATABASE_URL: forKeyway.url, KEYWAY_RATE_LIMITS: 'off' });
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

async function throughput(): Promise<{ limited: Load; unlimited: Load; wrongKeys: Load; hello: Load }> {
  const limited = await linkLoad({});
  const unlimited = await linkLoad({ KEYWAY_RATE_LIMITS: 'off' });
  // A flood of wrong keys from one address: after the first few, every answer is a 429 from memory.
  const wrongKeys = await linkLoad({}, `kw_${'A'.repeat(12)}_${'B'.repeat(43)}`);
  const hello = await startUntil('node', ['bench/hello-server.js'], /^listening (\d+)/);
  const helloLoad = await load({ url: `http://127.0.0.1:${hello.match[1]}/` });
  await stop(hello.child);
  return { limited, unlimited, wrongKeys, hello: helloLoad };
}

function wizardSize(): { file: string; raw: number; gzip: number }[] {
  const dir = join('dist', 'widget', 'assets');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const start = await coldStart();
console.log(`cold start to "listening" (median of 5): fresh data dir ${start.fresh.toFixed(0)} ms, existing data dir ${start.warm.toFixed(0)} ms; baseline node:http hello ${start.hello.toFixed(0)} ms`);
const { limited, unlimited, wrongKeys, hello } = await throughput();
console.log(`link creation, ${CONNECTIONS} connections, ${SECONDS} s, rate limits on: ${describeLoad(limited)}; baseline node:http hello: ${hello.rps.toFixed(0)} req/s, p99 ${hello.p99} ms`);
console.log(`link creation, rate limits off: ${describeLoad(unlimited)}; limits on cost ${(100 * (1 - limited.rps / unlimited.rps)).toFixed(1)} % of throughput`);
console.log(`wrong API keys from one address, rate limits on: ${describeLoad(wrongKeys)} (all but the first few answered 429)`);
// Rate limits off on both sides: the ceiling has none, so this compares the same work.
console.log(describeVersus('SQLite, rate limits off', await sqliteVersusCeiling(unlimited), { share: 0.7, p99: 1.5 }));
const onPostgres = await postgresVersusCeiling();
console.log(onPostgres
  ? describeVersus('PostgreSQL, rate limits off', onPostgres, { share: 0.5, p99: 2 })
  : 'link creation on PostgreSQL: skipped (set KEYWAY_BENCH_DATABASE_URL, or run one on 127.0.0.1:5432)');
for (const asset of wizardSize()) console.log(`wizard JS ${asset.file}: ${kb(asset.raw)} raw, ${kb(asset.gzip)} gzipped`);
// The wizard's first load and the embed SDK's open() time, from their own benches, in this same run.
for (const script of ['bench/wizard-load.ts', 'bench/embed.ts']) execFileSync('node', ['--import', 'tsx', script], { stdio: 'inherit' });
console.log(`npm run bench took ${(performance.now() / 1000).toFixed(0)} s`);
