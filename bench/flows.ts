/**
 * Flow steps: 64 simulated users each walk demo flows end to end (link, open, provider, credentials,
 * TOTP) against Keyway (demo, SQLite, rate limits off) and against the hand-written ceiling doing
 * the same work (bench/ceiling-flows.ts), in the same run; then a short CPU profile of Keyway under
 * the same load. Each part is bounded in time and in flows. Loopback only.
 * Usage: node --import tsx bench/flows.ts [seconds]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeSteps, runFlowUsers, type FlowUsersResult } from './flow-users.js';
import { freshDataDir, startKeywayDemo, startUntil, stop } from './processes.js';
import { profiledKeyway } from './profiling.js';

const SECONDS = Number(process.argv[2] ?? process.env['BENCH_SECONDS'] ?? 10);
const PROFILE_SECONDS = Math.min(SECONDS, 4);
const USERS = 64;
const MAX_FLOWS = 50_000;

const describe = (result: FlowUsersResult) =>
  `${result.flowsPerSecond.toFixed(0)} flows/s (${result.completed} completed, ${result.failed} failed${result.firstError ? `: ${result.firstError}` : ''}); ${describeSteps(result)}`;

async function keywayFlows(seconds: number): Promise<FlowUsersResult> {
  const dataDir = freshDataDir();
  const keyway = await startKeywayDemo({ KEYWAY_DATA_DIR: dataDir, KEYWAY_RATE_LIMITS: 'off' });
  try {
    return await runFlowUsers({ base: keyway.url, apiKey: keyway.apiKey, users: USERS, seconds, maxFlows: MAX_FLOWS, warmupSeconds: 1 });
  } finally {
    await stop(keyway.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function ceilingFlows(seconds: number): Promise<FlowUsersResult> {
  const dataDir = freshDataDir();
  const ceiling = await startUntil('node', ['--import', 'tsx', 'bench/ceiling-sqlite.ts', join(dataDir, 'ceiling.sqlite'), '--flows'], /^listening (\d+)/);
  const apiKey = ceiling.lines.map((line) => line.match(/^API key: (\S+)/)?.[1]).find(Boolean) as string;
  try {
    return await runFlowUsers({ base: `http://127.0.0.1:${ceiling.match[1]}`, apiKey, users: USERS, seconds, maxFlows: MAX_FLOWS, warmupSeconds: 1 });
  } finally {
    await stop(ceiling.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const keyway = await keywayFlows(SECONDS);
const ceiling = await ceilingFlows(SECONDS);
console.log(`demo flows (link, open, provider, credentials, TOTP), ${USERS} users, ${SECONDS} s, SQLite: Keyway ${describe(keyway)}`);
console.log(`  hand-written ceiling: ${describe(ceiling)}; Keyway at ${(100 * keyway.flowsPerSecond / ceiling.flowsPerSecond).toFixed(0)} % of its flows/s`);
const dataDir = freshDataDir();
const profiled = await profiledKeyway({ KEYWAY_DATA_DIR: dataDir, KEYWAY_RATE_LIMITS: 'off' }, (instance) =>
  runFlowUsers({ base: instance.url, apiKey: instance.apiKey, users: USERS, seconds: PROFILE_SECONDS, maxFlows: MAX_FLOWS }),
);
rmSync(dataDir, { recursive: true, force: true });
console.log(`where a flow's time goes: Keyway under --cpu-prof for ${PROFILE_SECONDS} s (${profiled.result.flowsPerSecond.toFixed(0)} flows/s), shares of non-idle samples:`);
console.log(profiled.summary);
