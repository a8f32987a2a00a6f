/**
 * Prints the sign-in half's figures, each next to a baseline measured in the same run: the token
 * endpoint's refresh_token grant and GET /users/self at 64 connections against a raw node:http hello
 * world, login URL → redirect URI in Chromium against a static page from the same server, and the
 * wizard's first-load and confirm-step JS.
 *
 * Keyway runs in this process from source; autocannon runs in a worker thread, so the load generator
 * and the server each have an event loop of their own, as with the hello server in its own process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { loadConfig } from '../src/server/config.js';
import { createClient } from '../src/server/identity/clients.js';
import { createUser } from '../src/server/identity/users.js';
import { issueAuthorizationCode } from '../src/server/oauth2/authorization-codes.js';
import { parseLimitRules } from '../src/server/security/rate-limits.js';
import { startKeyway, type RunningKeyway } from '../src/server/server.js';
import type { UserTable } from '../src/server/store/schema.js';
import { createApiKey } from '../src/server/store/tenants.js';
import { CONNECTIONS, describeLoad, describeStatuses, helloBaseline, LoadWorker, median, type Load, type LoadJob } from './load-worker.js';
import { startUntil, stop } from './processes.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = 2;
const BROWSER_RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
/** Refresh tokens minted for the warm-up. */
const WARMUP_POOL = 6_000;
/** The measured run gets three times what the warm-up's rate would use, and at least this many. */
const MIN_POOL = 20_000;
const MAX_POOL = 150_000;
const USERS = 100;
const SCOPE = 'openid profile email';
/** The whole run; past it, what was started is stopped and the process exits 1. */
const WATCHDOG_MS = 150_000;


interface Setup {
  keyway: RunningKeyway;
  loads: LoadWorker;
  apiKey: string;
  users: UserTable[];
  client: { id: string; secret: string };
  callback: string;
}

/** Mints `count` sessions straight through the token service, in a few large transactions; returns their refresh tokens. */
async function mintRefreshTokens({ keyway, users, client }: Setup, count: number): Promise<string[]> {
  const { db } = keyway.services.store;
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = Math.min(5_000, count - tokens.length);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch; i += 1) {
        const user = users[tokens.length % users.length] as UserTable;
        const now = Date.now();
        const session = { tenantId: user.tenant_id, clientId: client.id, userId: user.id, scope: SCOPE, authMethod: 'login_url' as const, authTime: now, authorizationCodeId: null };
        const { refreshToken } = await keyway.services.tokens.startSession(trx, session, { withRefreshToken: true, now });
        if (!refreshToken) throw new Error('the client was registered without the refresh_token grant');
        tokens.push(refreshToken);
      }
    });
  }
  return tokens;
}

const basic = (client: { id: string; secret: string }) => `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;

function refreshJob({ keyway, client }: Setup, tokens: string[], seconds: number): LoadJob {
  return {
    url: `${keyway.url}/oauth2/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    seconds,
    bodies: tokens.map((token) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString()),
  };
}

/** A sign-in as an app's backend finishes it: a code as the confirm step issues it, exchanged over HTTP with client_secret_basic. */
async function signInOverHttp({ keyway, users, client, callback }: Setup): Promise<string> {
  const user = users[0] as UserTable;
  const now = Date.now();
  const code = await issueAuthorizationCode(keyway.services.store.db, {
    tenantId: user.tenant_id,
    clientId: client.id,
    userId: user.id,
    redirectUri: callback,
    scope: SCOPE,
    nonce: null,
    codeChallenge: null,
    codeChallengeMethod: null,
    authMethod: 'login_url',
    authTime: now,
    now,
  });
  const response = await fetch(`${keyway.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`the code exchange answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function throughput(setup: Setup): Promise<string[]> {
  const lines: string[] = [];
  // The warm-up measures how many refresh tokens the measured run needs; it runs on tokens of its own.
  let started = performance.now();
  const warmupTokens = await mintRefreshTokens(setup, WARMUP_POOL);
  const warmupMintMs = performance.now() - started;
  const warmup = await setup.loads.run(refreshJob(setup, warmupTokens, WARMUP_SECONDS));
  const rate = warmup.requests / Math.max(warmup.seconds, 0.001);
  const poolSize = Math.min(MAX_POOL, Math.max(MIN_POOL, Math.ceil(rate * SECONDS * 3)));
  const mintedFrom = Date.now();
  started = performance.now();
  const tokens = await mintRefreshTokens(setup, poolSize);
  const mintMs = performance.now() - started;
  lines.push(
    `refresh tokens minted in the database through TokenService.startSession (not over HTTP): ${WARMUP_POOL} for a ${WARMUP_SECONDS} s warm-up in ${(warmupMintMs / 1000).toFixed(1)} s, ` +
      `then ${poolSize} (at least ${MIN_POOL}, and three times the warm-up's ${rate.toFixed(0)} req/s over ${SECONDS} s) in ${(mintMs / 1000).toFixed(1)} s` +
      `${warmup.non2xx + warmup.errors ? `; warm-up: ${describeLoad(warmup)}` : ''}`,
  );

  const refresh = await setup.loads.run(refreshJob(setup, tokens, SECONDS));
  const accessToken = await signInOverHttp(setup);
  const self = await setup.loads.run({ url: `${setup.keyway.url}/users/self`, method: 'GET', headers: { authorization: `Bearer ${accessToken}` }, seconds: SECONDS });
  // A token sent twice within the 10 s retry window would still answer 200, with no second rotation:
  // the pool's rotated tokens (their children are never presented) must be at least the answers.
  const rotatedOfPool = await setup.keyway.services.store.db
    .selectFrom('refresh_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('rotated_at', 'is not', null)
    .where('created_at', '>=', mintedFrom)
    .executeTakeFirstOrThrow();
  const baseline = await helloBaseline(setup.loads, SECONDS);

  const helloText = `baseline node:http hello: ${describeLoad(baseline)}`;
  lines.push(
    `POST /oauth2/token, refresh_token grant (client_secret_basic, scope "${SCOPE}": access and ID token signed per request), ${CONNECTIONS} connections, ${SECONDS} s, a fresh refresh token each request: ` +
      `${describeLoad(refresh)}; ${helloText}`,
  );
  lines.push(
    `  ${refresh.sent} refresh tokens sent, ${refresh.requests} answered (statuses ${describeStatuses(refresh)}), ${Number(rotatedOfPool.n)} of them rotated in the database, ` +
      `${refresh.exhausted ? `the pool of ${poolSize} ran out after ${refresh.seconds.toFixed(1)} s` : `pool of ${poolSize} not exhausted`}`,
  );
  lines.push(`GET /users/self, one access token, ${CONNECTIONS} connections, ${SECONDS} s: ${describeLoad(self)} (statuses ${describeStatuses(self)}); ${helloText}`);
  return lines;
}

/**
 * Seed 001's password grant with the right password every time: each answer costs one argon2id
 * verification, so this is mostly the hash's price. A client of its own, allowed the grant.
 */
async function passwordGrant(setup: Setup, tenantId: string): Promise<string[]> {
  const { keyway, loads } = setup;
  const { db } = keyway.services.store;
  const now = Date.now();
  const password = 'a long bench passphrase, 2026';
  // One user per connection: attempts are counted per account before the hash, so one account signing in
  // 64 times at once would be limited as a guesser is.
  const bodies: string[] = [];
  for (let i = 0; i < CONNECTIONS; i += 1) {
    const user = await createUser(db, tenantId, { first_name: 'Grace', last_name: 'Hopper', email: `grace${i}@bench.test` }, now);
    await keyway.services.passwords.setPassword(tenantId, user.id, password, now);
    bodies.push(new URLSearchParams({ grant_type: 'password', username: user.email, password, scope: 'openid' }).toString());
  }
  const created = await createClient(db, tenantId, { name: 'Bench password app', redirect_uris: [setup.callback], grant_types: ['password', 'refresh_token'] }, now);
  const client = { id: created.row.id, secret: created.clientSecret ?? '' };
  const result = await loads.run({
    url: `${keyway.url}/oauth2/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    seconds: SECONDS,
    bodies: Array.from({ length: 200_000 }, (_, n) => bodies[n % bodies.length] as string),
  });
  return [
    `POST /oauth2/token, password grant (seed 001, client_secret_basic, ${CONNECTIONS} users, the right password each time), ${CONNECTIONS} connections, ${SECONDS} s: ` +
      `${describeLoad(result)} (statuses ${describeStatuses(result)})`,
  ];
}

function listenCallback(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback` }));
  });
}

async function loginUrl({ keyway, apiKey, users, client }: Setup, index: number): Promise<string> {
  const user = users[index % users.length] as UserTable;
  const response = await fetch(`${keyway.url}/api/v1/users/${user.id}/login_url`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ client_id: client.id, scope: SCOPE }),
  });
  const body = (await response.json()) as { login_url?: string };
  if (response.status !== 201 || !body.login_url) throw new Error(`login_url answered ${response.status}: ${JSON.stringify(body)}`);
  return body.login_url;
}

async function browserSignIn(setup: Setup, browser: Browser): Promise<string[]> {
  /** From page.goto(login URL) to the confirm button, and to the browser at the redirect URI (the click included), in a fresh context. */
  const signIn = async (index: number): Promise<{ confirm: number; redirected: number }> => {
    const url = await loginUrl(setup, index);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const started = performance.now();
      await page.goto(url, { waitUntil: 'commit' });
      const button = page.getByRole('button', { name: 'Continue', exact: true });
      await button.waitFor();
      const confirm = performance.now() - started;
      // A sign-in goes to the app at once, so the signed-in step may never be seen: the redirect is the end.
      await Promise.all([page.waitForURL((at) => at.href.startsWith(`${setup.callback}?`), { waitUntil: 'commit' }), button.click()]);
      const redirected = performance.now() - started;
      if (!new URL(page.url()).searchParams.get('code')) throw new Error(`the redirect carried no code: ${page.url()}`);
      return { confirm, redirected };
    } finally {
      await context.close();
    }
  };
  const staticPage = async (): Promise<number> => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const started = performance.now();
      const response = await page.goto(`${setup.keyway.url}/pair`);
      if (response?.status() !== 200) throw new Error(`/pair answered ${response?.status()}`);
      return performance.now() - started;
    } finally {
      await context.close();
    }
  };

  // The first run of each warms the server and Chromium.
  await signIn(0);
  await staticPage();
  const confirm: number[] = [];
  const redirected: number[] = [];
  const baseline: number[] = [];
  for (let run = 1; run <= BROWSER_RUNS; run += 1) {
    const times = await signIn(run);
    confirm.push(times.confirm);
    redirected.push(times.redirected);
    baseline.push(await staticPage());
  }
  return [
    `login URL → redirect URI in Chromium (median of ${BROWSER_RUNS} fresh contexts, the "Continue" click included): ${median(redirected).toFixed(0)} ms; ` +
      `baseline page.goto of the static /pair page from the same server: ${median(baseline).toFixed(0)} ms`,
    `  of which goto → the confirm step's button ${median(confirm).toFixed(0)} ms`,
  ];
}

/** scripts/check-bundle.js's own figures: its initial total and the confirm step's lazy chunk. */
function bundleSizes(): string[] {
  const checked = spawnSync('node', ['scripts/check-bundle.js'], { encoding: 'utf8', timeout: 20_000 });
  const out = checked.stdout ?? '';
  const initial = out.split('\n').find((line) => line.startsWith('initial JS:'));
  const confirm = out.split('\n').find((line) => line.startsWith('lazy JS:') && line.includes('src/widget/confirm/confirm.ts'));
  return [
    `wizard first load (scripts/check-bundle.js, KB = 1000 bytes): ${initial?.replace(/^initial JS: /, '') ?? 'not found in its output'}; check-bundle ${checked.status === 0 ? 'ok' : `failed (exit ${checked.status}): ${(checked.stderr ?? '').trim()}`}`,
    `confirm step lazy chunk: ${confirm?.replace(/^lazy JS:\s+/, '') ?? 'not in the manifest'}`,
  ];
}

/** One figure's lines; a figure that fails says why and the others still run. */
async function figure(name: string, run: () => Promise<string[]> | string[]): Promise<void> {
  try {
    for (const line of await run()) console.log(line);
  } catch (error) {
    process.exitCode = 1;
    console.log(`${name}: failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-signin-'));
  let keyway: RunningKeyway | undefined;
  let browser: Browser | undefined;
  let callbackServer: Server | undefined;
  // Started first: it loads while Keyway starts.
  const loads = new LoadWorker();
  const cleanUp = async () => {
    await loads.close();
    await browser?.close().catch(() => {});
    callbackServer?.close();
    await keyway?.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    console.error(`bench:signin: still running after ${WATCHDOG_MS / 1000} s; stopping`);
    void cleanUp().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();

  try {
    const callback = await listenCallback();
    callbackServer = callback.server;
    // All the load comes from one address. The token endpoint counts only failed client credentials and
    // /users/self counts nothing, so their defaults stay on; each browser run opens a flow, so flow_open is raised.
    const limits = parseLimitRules('flow_open=100000/60');
    keyway = await startKeyway(
      {
        ...loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }).config,
        port: 0,
        publicUrl: 'http://127.0.0.1:0',
        providersFile: undefined,
        rateLimits: limits,
      },
      { log: () => {} },
    );
    const { db } = keyway.services.store;
    const now = Date.now();
    const { apiKey, tenantId } = await createApiKey(db, keyway.services.sealer, { tenantName: 'bench', now });
    const users: UserTable[] = [];
    for (let i = 0; i < USERS; i += 1) users.push(await createUser(db, tenantId, { first_name: 'Ada', last_name: 'Lovelace', email: `ada${i}@bench.test` }, now));
    const created = await createClient(db, tenantId, { name: 'Bench app', redirect_uris: [callback.url], grant_types: ['authorization_code', 'refresh_token'] }, now);
    if (!created.clientSecret) throw new Error('the bench client has no secret');
    const setup: Setup = { keyway, loads, apiKey, users, client: { id: created.row.id, secret: created.clientSecret }, callback: callback.url };
    const rules = limits === 'off' ? 'off' : Object.entries(limits).map(([name, rule]) => `${name} ${rule.points}/${rule.seconds} s`).join(', ');
    console.log(`rate limits on (the defaults but flow_open): ${rules}`);

    await figure('throughput', () => throughput(setup));
    await figure('password grant', () => passwordGrant(setup, tenantId));
    await figure('browser sign-in', async () => {
      const manifest = join(keyway?.services.widgetDir ?? 'dist/widget', '.vite', 'manifest.json');
      if (!existsSync(manifest)) return [`login URL → redirect URI in Chromium: skipped, ${manifest} is missing (the wizard is not built)`];
      browser = await chromium.launch({
        executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      return browserSignIn(setup, browser);
    });
    await figure('bundle', bundleSizes);
    console.log(`(bench:signin took ${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
  } finally {
    clearTimeout(watchdog);
    await cleanUp();
  }
}

await main();
