import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startUntil } from '../../bench/processes.js';

const ENTRY = ['--import', 'tsx', new URL('./keyway-source.ts', import.meta.url).pathname];

export interface KeywayProcess {
  child: ChildProcess;
  url: string;
  /** What it printed so far; keeps growing. */
  lines: string[];
  env: NodeJS.ProcessEnv;
  /** Resolves with the exit code (or the signal's name), or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | string>;
}

/** The environment of a fresh instance: its own data directory and key, a port chosen by the OS. */
export function keywayEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    KEYWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'keyway-process-')),
    KEYWAY_PORT: '0',
    KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

/** `keyway start` from source, resolved once it prints where it listens. */
export async function spawnKeyway(env: NodeJS.ProcessEnv, args: string[] = ['start']): Promise<KeywayProcess> {
  const started = await startUntil(process.execPath, [...ENTRY, ...args], /^Keyway listening on (\S+)/, env, 30_000);
  const { child, lines } = started;
  const exit = new Promise<number | string>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    url: started.match[1] as string,
    lines,
    env,
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
      });
      try {
        return await Promise.race([exit, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `keyway keys create` against the same data directory or database; resolves with the new API key. */
export async function createKeyWithCli(env: NodeJS.ProcessEnv, tenant: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [...ENTRY, 'keys', 'create', '--tenant', tenant], { env: { ...process.env, ...env }, timeout: 30_000 });
  const key = /^API key: (\S+)/m.exec(stdout)?.[1];
  if (!key) throw new Error(`keys create printed no key:\n${stdout}`);
  return key;
}

/** Runs a `keyway` command from source to its end; a failing command resolves with its exit code rather than throwing. */
export function runKeywayCli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...ENTRY, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Removes the data directory `keywayEnv` made. */
export function removeDataDir(env: NodeJS.ProcessEnv): void {
  if (env['KEYWAY_DATA_DIR']) rmSync(env['KEYWAY_DATA_DIR'], { recursive: true, force: true });
}

/** Ends a child that a failed test left running. */
export function kill(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
