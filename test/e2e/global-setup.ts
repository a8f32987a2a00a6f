import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUntil, stop } from '../../bench/processes.js';
import { startPeers } from '../peers/all.js';
import { freePort } from '../peers/ports.js';
import { startHostApp } from './host-app.js';

/**
 * Starts Keyway as a user would (the CLI, the embedded database, a provider file), the real peers
 * its adapters talk to, and a host app on another origin.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-'));
  // The OpenID provider must know Keyway's redirect URI, so Keyway's port is chosen first.
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const peers = await startPeers({ dataDir, publicUrl, autoApproveOAuth: false });
  const { passwordApi, dovecot } = peers;

  // Every test's browser comes from one address, so that address may open more flows than one person would.
  const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: String(port), KEYWAY_HOST: '127.0.0.1', KEYWAY_PUBLIC_URL: publicUrl, KEYWAY_RATE_LIMITS: 'flow_open=600/60' };
  const keyway = await startUntil('node', ['bin/keyway.js', 'start', '--demo'], /^Keyway listening on (\S+)/, env);
  // The CLI shares the running server's SQLite file (WAL).
  const output = execFileSync('node', ['bin/keyway.js', 'keys', 'create', '--tenant', 'e2e'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const host = await startHostApp();

  process.env['KEYWAY_E2E_URL'] = keyway.match[1] as string;
  process.env['KEYWAY_E2E_API_KEY'] = /^API key: (\S+)$/m.exec(output)?.[1] ?? '';
  process.env['KEYWAY_E2E_WEBHOOK_SECRET'] = /^Webhook secret: (\S+)$/m.exec(output)?.[1] ?? '';
  process.env['KEYWAY_E2E_HOST'] = host.origin;
  process.env['KEYWAY_E2E_DATA_DIR'] = dataDir;
  process.env['KEYWAY_E2E_PEERS'] = JSON.stringify({
    passwordGrant: { users: { ...passwordApi.users, withMfa: { ...passwordApi.users.withMfa, totp: passwordApi.users.withMfa.totp.secret.base32 } } },
    imap: dovecot ? { user: dovecot.user, password: dovecot.password, port: dovecot.tlsPort } : null,
  });

  return async () => {
    host.server.close();
    await stop(keyway.child);
    await peers.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
