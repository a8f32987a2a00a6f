/**
 * Prints Keyway's figures next to baselines measured in the same run:
 * cold start to "listening", link creation throughput at 64 connections with rate limits on and off
 * against a raw node:http hello world, a wrong-key flood, and the wizard's gzipped JS size.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
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

/** Link creation against a fresh demo instance started with `env`; `apiKey` replaces the printed key when given (a wrong one, say). */
async function linkLoad(env: NodeJS.ProcessEnv, apiKey?: string): Promise<Load> {
  const dataDir = freshDataDir();
  const keyway = await startUntil('node', KEYWAY, /^API key: (\S+)/, { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', ...env });
  const url = keyway.lines.map((line) => line.match(LISTENING)?.[1]).find(Boolean) as string;
  const body = JSON.stringify({
    type: 'create',
    providers: '*',
    api_url: url,
    expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    success_redirect_url: 'https://app.example.com/ok',
    failure_redirect_url: 'https://app.example.com/ko',
    notify_url: 'https://app.example.com/hooks',
    name: 'bench-user',
  });
  const result = await load({
    url: `${url.replace('localhost', '127.0.0.1')}/api/v1/hosted/accounts/link`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey ?? (keyway.match[1] as string) },
    body,
  });
  await stop(keyway.child);
  rmSync(dataDir, { recursive: true, force: true });
  return result;
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
const describeLoad = (result: Load) => `${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms (errors ${result.errors}, non-2xx ${result.non2xx})`;
console.log(`link creation, ${CONNECTIONS} connections, ${SECONDS} s, rate limits on: ${describeLoad(limited)}; baseline node:http hello: ${hello.rps.toFixed(0)} req/s, p99 ${hello.p99} ms`);
console.log(`link creation, rate limits off: ${describeLoad(unlimited)}; limits on cost ${(100 * (1 - limited.rps / unlimited.rps)).toFixed(1)} % of throughput`);
console.log(`wrong API keys from one address, rate limits on: ${describeLoad(wrongKeys)} (all but the first few answered 429)`);
for (const asset of wizardSize()) console.log(`wizard JS ${asset.file}: ${kb(asset.raw)} raw, ${kb(asset.gzip)} gzipped`);
