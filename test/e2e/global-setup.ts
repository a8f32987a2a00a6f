import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUntil, stop } from '../../bench/processes.js';
import { startHostApp } from './host-app.js';

/** Starts Keyway as a user would (the CLI, the embedded database) and a host app on another origin. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-'));
  const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_HOST: '127.0.0.1', KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0' };
  const keyway = await startUntil('node', ['bin/keyway.js', 'start', '--demo'], /^Keyway listening on (\S+)/, env);
  const url = keyway.match[1] as string;
  // The CLI shares the running server's SQLite file (WAL).
  const output = execFileSync('node', ['bin/keyway.js', 'keys', 'create', '--tenant', 'e2e'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const host = await startHostApp();

  process.env['KEYWAY_E2E_URL'] = url;
  process.env['KEYWAY_E2E_API_KEY'] = /^API key: (\S+)$/m.exec(output)?.[1] ?? '';
  process.env['KEYWAY_E2E_WEBHOOK_SECRET'] = /^Webhook secret: (\S+)$/m.exec(output)?.[1] ?? '';
  process.env['KEYWAY_E2E_HOST'] = host.origin;

  return async () => {
    host.server.close();
    await stop(keyway.child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
