import { spawn, type ChildProcess } from 'node:child_process';
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
