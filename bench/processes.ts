import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Started {
  child: ChildProcess;
  /** Milliseconds from spawn to the line that matched. */
  readyMs: number;
  match: RegExpMatchArray;
  /** Everything the child printed, stdout by line and stderr by chunk; it keeps growing after the match. */
  lines: string[];
}

/** Spawns a process and resolves when a stdout line matches; keeps draining stdout so the child never blocks. */
export function startUntil(command: string, args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    let buffer = '';
    let done = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        const match = done ? null : line.match(pattern);
        if (match) {
          done = true;
          clearTimeout(timer);
          resolve({ child, readyMs: performance.now() - started, match, lines });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString().trimEnd()));
    child.once('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`${command} exited with ${code}:\n${lines.join('\n')}`));
      }
    });
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'keyway-bench-'));
}

export interface KeywayInstance {
  child: ChildProcess;
  /** The loopback URL it listens on. */
  url: string;
  /** The demo tenant's API key this start printed. */
  apiKey: string;
  readyMs: number;
}

/**
 * Starts `keyway start --demo` from the built server (dist/) with `env` on a free port and waits for its API key.
 * `nodeArgs` go before the script (`--cpu-prof`…); `command` wraps it (`taskset -c 0 node`…).
 */
export async function startKeywayDemo(env: NodeJS.ProcessEnv, options: { nodeArgs?: string[]; command?: string[] } = {}): Promise<KeywayInstance> {
  const [command, ...prefix] = options.command ?? ['node'];
  const started = await startUntil(command as string, [...prefix, ...(options.nodeArgs ?? []), 'bin/keyway.js', 'start', '--demo'], /^API key: (\S+)/, { KEYWAY_PORT: '0', ...env });
  const url = started.lines.map((line) => line.match(/^Keyway listening on (\S+)/)?.[1]).find(Boolean);
  if (!url) throw new Error(`keyway printed no listening URL:\n${started.lines.join('\n')}`);
  return { child: started.child, url: url.replace('localhost', '127.0.0.1'), apiKey: started.match[1] as string, readyMs: started.readyMs };
}

/**
 * `count` Keyway instances on one PostgreSQL database, as behind a load balancer: one encryption key,
 * started one after another, so the last start's demo key (each start revokes the earlier ones) works on all.
 * `commandFor(index)` may pin an instance to a core (`['taskset', '-c', '0', 'node']`).
 */
export async function startKeywayCluster(databaseUrl: string, count: number, env: NodeJS.ProcessEnv = {}, commandFor?: (index: number) => string[]): Promise<{ instances: KeywayInstance[]; apiKey: string; dataDir: string }> {
  const dataDir = freshDataDir();
  const shared = { KEYWAY_DATABASE_URL: databaseUrl, KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...env };
  const instances: KeywayInstance[] = [];
  for (let index = 0; index < count; index += 1) instances.push(await startKeywayDemo(shared, commandFor ? { command: commandFor(index) } : {}));
  return { instances, apiKey: (instances.at(-1) as KeywayInstance).apiKey, dataDir };
}
