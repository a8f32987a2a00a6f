/** Runs a load against a Keyway started under `node --cpu-prof` and summarises where its CPU went. */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freshDataDir, startKeywayDemo, stop, type KeywayInstance } from './processes.js';
import { describeSummary, summariseProfile } from './profile-summary.js';

export async function profiledKeyway<T>(env: NodeJS.ProcessEnv, load: (keyway: KeywayInstance) => Promise<T>): Promise<{ result: T; summary: string }> {
  const profileDir = freshDataDir();
  const keyway = await startKeywayDemo(env, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  let result: T;
  try {
    result = await load(keyway);
  } finally {
    // The profile is written as the process exits.
    await stop(keyway.child);
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile was written in ${profileDir}`);
  const summary = describeSummary(summariseProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8'))));
  rmSync(profileDir, { recursive: true, force: true });
  return { result, summary };
}
