/**
 * A CPU profile of link creation under load: Keyway (demo, SQLite, rate limits off) runs with
 * `node --cpu-prof` while autocannon posts links at 64 connections; the profile's top entries are printed.
 * Usage: node --import tsx bench/profile-links.ts [seconds]   (the .cpuprofile is kept, its path printed)
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freshDataDir, startUntil, stop } from './processes.js';
import { describeSummary, summariseProfile } from './profile-summary.js';

const seconds = Number(process.argv[2] ?? 10);
const dataDir = freshDataDir();
const profileDir = freshDataDir();
const keyway = await startUntil('node', ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'bin/keyway.js', 'start', '--demo'], /^API key: (\S+)/, {
  KEYWAY_DATA_DIR: dataDir,
  KEYWAY_PORT: '0',
  KEYWAY_RATE_LIMITS: 'off',
});
const url = (keyway.lines.map((line) => line.match(/^Keyway listening on (\S+)/)?.[1]).find(Boolean) as string).replace('localhost', '127.0.0.1');
const result = await autocannon({
  url: `${url}/api/v1/hosted/accounts/link`,
  method: 'POST',
  connections: 64,
  duration: seconds,
  headers: { 'content-type': 'application/json', 'x-api-key': keyway.match[1] as string },
  body: JSON.stringify({
    type: 'create',
    providers: '*',
    api_url: url,
    expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    success_redirect_url: 'https://app.example.com/ok',
    notify_url: 'https://app.example.com/hooks',
  }),
});
await stop(keyway.child);
rmSync(dataDir, { recursive: true, force: true });
const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile was written in ${profileDir}`);
console.log(`link creation under --cpu-prof, 64 connections, ${seconds} s: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`);
console.log(`profile ${join(profileDir, file)} (shares of non-idle samples):`);
console.log(describeSummary(summariseProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')))));
