import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import * as OTPAuth from 'otpauth';
import pg from 'pg';
import { createApp } from '../../src/server/app.js';
import type { AppEnv, Services } from '../../src/server/context.js';
import type { ProviderEntry } from '../../src/server/providers/adapter.js';
import { DEMO_TOTP_SECRET } from '../../src/server/providers/demo.js';
import { Sealer } from '../../src/server/security/sealer.js';
import { createServices } from '../../src/server/server.js';
import { openStore, type DialectName, type Store } from '../../src/server/store/database.js';
import { createApiKey } from '../../src/server/store/tenants.js';

export const PUBLIC_URL = 'http://keyway.test';

/** The dialects store-backed tests run against; PostgreSQL only when the test database is configured. */
export function dialects(): { name: DialectName; url: string | undefined; skip: string | false }[] {
  const pgUrl = process.env['KEYWAY_TEST_DATABASE_URL'];
  return [
    { name: 'sqlite', url: ':memory:', skip: false },
    { name: 'postgres', url: pgUrl, skip: pgUrl ? false : 'KEYWAY_TEST_DATABASE_URL is unset, so the PostgreSQL run is skipped' },
  ];
}

let announced = false;
export function announceSkips(): void {
  if (announced) return;
  announced = true;
  for (const dialect of dialects()) if (dialect.skip) console.log(`# ${dialect.name}: ${dialect.skip}`);
}

/** A fresh, isolated database: in-memory SQLite, or a new PostgreSQL schema dropped on close. */
export async function openTestStore(url: string): Promise<Store> {
  if (url === ':memory:') return openStore({ url });
  const schema = `kw_test_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url, schema });
  const close = store.close;
  return {
    ...store,
    async close() {
      await close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

export class TestClock {
  constructor(public now = Date.now()) {}
  read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface Harness {
  app: Hono<AppEnv>;
  services: Services;
  store: Store;
  clock: TestClock;
  apiKey: string;
  tenantId: string;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function createHarness(
  url: string,
  options: { store?: Store; sealer?: Sealer; clock?: TestClock; onWebhookQueued?: () => void; widgetDir?: string; providers?: ProviderEntry[]; allowPrivateWebhooks?: boolean; metrics?: { token?: string } } = {},
): Promise<Harness> {
  // A store and sealer given by the caller let two harnesses share one database, as two instances would.
  const store = options.store ?? (await openTestStore(url));
  const clock = options.clock ?? new TestClock();
  const sealer = options.sealer ?? new Sealer(randomBytes(32));
  const services = createServices({ store, sealer, demo: true, ...(options.providers ? { providers: options.providers } : {}), publicUrl: PUBLIC_URL, clock: clock.read, widgetDir: options.widgetDir, allowPrivateWebhooks: options.allowPrivateWebhooks ?? false, ...(options.onWebhookQueued ? { onWebhookQueued: options.onWebhookQueued } : {}), ...(options.metrics ? { metrics: options.metrics } : {}) });
  const created = await createApiKey(store.db, sealer, { tenantName: 'acme', now: clock.now });
  return {
    app: createApp(services),
    services,
    store,
    clock,
    apiKey: created.apiKey,
    tenantId: created.tenantId,
    webhookSecret: created.webhookSecret ?? '',
    close: () => store.close(),
  };
}

export function linkRequest(clock: TestClock, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'create',
    providers: '*',
    api_url: 'https://api.acme.test',
    expiresOn: new Date(clock.now + 60 * 60 * 1000).toISOString(),
    success_redirect_url: 'https://app.acme.test/connected',
    failure_redirect_url: 'https://app.acme.test/failed',
    notify_url: 'https://app.acme.test/hooks/keyway',
    name: 'user-42',
    ...overrides,
  };
}

export function postJson(app: Hono<AppEnv>, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

/** Creates a link through the API and returns its token. */
export async function createLink(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock, overrides), { 'x-api-key': h.apiKey });
  if (response.status !== 201) throw new Error(`link creation answered ${response.status}: ${await response.text()}`);
  const { url } = (await response.json()) as { url: string };
  return url.split('/connect/')[1] as string;
}

export async function openFlow(h: Harness, linkToken: string): Promise<{ token: string; flow: FlowJson }> {
  const response = await postJson(h.app, '/api/v1/flows', { link: linkToken });
  if (response.status !== 201) throw new Error(`flow open answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { token: string; flow: FlowJson };
}

export type FlowJson = { id: string; status: string; step: { kind: string; id: string } & Record<string, unknown>; hostOrigins: string[] };

export async function submit(h: Harness, token: string, input: Record<string, unknown>): Promise<Response> {
  return postJson(h.app, '/api/v1/flows/current/steps', input, { authorization: `Bearer ${token}` });
}

export async function submitOk(h: Harness, token: string, input: Record<string, unknown>): Promise<FlowJson> {
  const response = await submit(h, token, input);
  if (response.status !== 200) throw new Error(`step answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as FlowJson;
}

export function totpCode(at: number): string {
  return new OTPAuth.TOTP({ digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) }).generate({ timestamp: at });
}

/** A wrong code that is certainly not valid in the ±1 window around `at`. */
export function wrongCode(at: number): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => totpCode(at + offset)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** Walks a fresh link through the demo provider up to the MFA step. */
export async function toMfaStep(h: Harness, linkOverrides: Record<string, unknown> = {}): Promise<{ token: string; flow: FlowJson }> {
  const { token, flow } = await openFlow(h, await createLink(h, linkOverrides));
  const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
  const mfa = await submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo' } });
  return { token, flow: mfa };
}
