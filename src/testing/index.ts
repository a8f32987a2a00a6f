/**
 * `keyway/testing`: what an integrator's own end-to-end tests need. `startKeyway()` runs a whole
 * Keyway in this process (free port, in-memory SQLite, the demo providers, no rate limits) with
 * one tenant, its API key and webhook secret; the demo provider's TOTP secret computes its codes.
 * The Playwright helpers that drive the wizard are in `keyway/testing/playwright`.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME, demoTotp } from '../server/providers/demo.js';
import { startKeyway as startServer } from '../server/server.js';
import { createApiKey } from '../server/store/tenants.js';

export { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME };

export interface TestKeyway {
  /** Where it listens, e.g. `http://127.0.0.1:41234`; link URLs and the wizard are under it. */
  url: string;
  /** `X-API-KEY` of its one tenant. */
  apiKey: string;
  /** The secret that signs the webhooks sent to the tenant's `notify_url`s. */
  webhookSecret: string;
  /** Stops the server and forgets everything it stored. */
  close(): Promise<void>;
}

export interface StartKeywayOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** The tenant's name. Default `test`. */
  tenant?: string;
  /** One line per request and the server's warnings; default silent. */
  log?: (line: string) => void;
}

export async function startKeyway(options: StartKeywayOptions = {}): Promise<TestKeyway> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { config } = loadConfig(
    {
      KEYWAY_HOST: host,
      KEYWAY_PORT: String(port),
      KEYWAY_PUBLIC_URL: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      // Nothing is written: the database is in memory and the key is given, so no data directory is made.
      KEYWAY_DATA_DIR: join(tmpdir(), `keyway-testing-${randomBytes(6).toString('hex')}`),
      KEYWAY_DATABASE_URL: ':memory:',
      KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // A test suite opens many flows from one address.
      KEYWAY_RATE_LIMITS: 'off',
      KEYWAY_SHUTDOWN_GRACE_MS: '0',
    },
    { demo: true },
  );
  const running = await startServer(config, options.log ? { log: options.log } : {});
  const { store, sealer, clock } = running.services;
  try {
    const created = await createApiKey(store.db, sealer, { tenantName: options.tenant ?? 'test', now: clock() });
    return { url: running.url, apiKey: created.apiKey, webhookSecret: created.webhookSecret ?? '', close: () => running.close() };
  } catch (error) {
    await running.close();
    throw error;
  }
}

/** The demo provider's current verification code (or the one at `at`, epoch ms). */
export function demoTotpCode(at: number = Date.now()): string {
  return demoTotp().generate({ timestamp: at });
}
