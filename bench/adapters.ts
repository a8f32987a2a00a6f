/**
 * Time from the user's last action to the success step, per adapter, on loopback: the last
 * request a user's browser or phone makes (code, password, confirm, OAuth redirect) until Keyway
 * answers with the flow at success. Real peers: Dovecot, oidc-provider, a seed-001 API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { DEMO_TOTP_SECRET } from '../src/server/providers/demo.js';
import { startKeyway } from '../src/server/server.js';
import { createApiKey } from '../src/server/store/tenants.js';
import { startPeers } from '../test/peers/all.js';
import { freePort } from '../test/peers/ports.js';
import { loadConfig } from '../src/server/config.js';
import { parseLimitRules } from '../src/server/security/rate-limits.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);

type Json = Record<string, unknown> & { step: Record<string, unknown> & { id: string; kind: string } };

const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-adapters-'));
// The OpenID peer must know Keyway's redirect URI, so Keyway's port is chosen before either starts.
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const peers = await startPeers({ dataDir, publicUrl: base, autoApproveOAuth: true });
const { passwordApi, dovecot } = peers;
const keyway = await startKeyway(
  {
    ...loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true }).config,
    port,
    publicUrl: base,
    providersFile: peers.providersFile,
    // Every run opens a flow from this one address.
    rateLimits: parseLimitRules('flow_open=100000/60'),
  },
  { log: () => {} },
);
const { apiKey } = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'bench', now: Date.now() });

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Json> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : { 'x-api-key': apiKey }) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Json;
}

/** Opens a flow for `provider` and chooses it; returns the flow token and the provider's first step. */
async function begin(provider: string): Promise<{ token: string; flow: Json }> {
  const { url } = (await call('POST', '/api/v1/hosted/accounts/link', {
    type: 'create',
    providers: [provider],
    api_url: base,
    expiresOn: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
  })) as unknown as { url: string };
  const opened = (await call('POST', '/api/v1/flows', { link: url.split('/connect/')[1] })) as unknown as { token: string; flow: Json };
  const flow = await call('POST', '/api/v1/flows/current/steps', { kind: 'providers', stepId: opened.flow.step.id, provider }, opened.token);
  return { token: opened.token, flow };
}

async function timed(last: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  if (!(await last())) throw new Error('the last action did not reach the success step');
  return performance.now() - started;
}

const scenarios: Record<string, () => Promise<number>> = {
  'demo (TOTP code)': async () => {
    const { token, flow } = await begin('DEMO');
    const mfa = await call('POST', '/api/v1/flows/current/steps', { kind: 'credentials', stepId: flow.step.id, values: { username: 'demo', password: 'demo' } }, token);
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) }).generate();
    return timed(async () => (await call('POST', '/api/v1/flows/current/steps', { kind: 'mfa', stepId: mfa.step.id, code }, token)).step.kind === 'success');
  },
  'password grant (no MFA)': async () => {
    const { token, flow } = await begin('RECHAT');
    const values = { username: passwordApi.users.plain.email, password: passwordApi.users.plain.password };
    return timed(async () => (await call('POST', '/api/v1/flows/current/steps', { kind: 'credentials', stepId: flow.step.id, values }, token)).step.kind === 'success');
  },
  'password grant + MFA (code)': async () => {
    const { token, flow } = await begin('RECHAT');
    const values = { username: passwordApi.users.withMfa.email, password: passwordApi.users.withMfa.password };
    const mfa = await call('POST', '/api/v1/flows/current/steps', { kind: 'credentials', stepId: flow.step.id, values }, token);
    const code = passwordApi.users.withMfa.totp.generate();
    return timed(async () => (await call('POST', '/api/v1/flows/current/steps', { kind: 'mfa', stepId: mfa.step.id, code }, token)).step.kind === 'success');
  },
  'QR pairing (phone confirms)': async () => {
    const { token, flow } = await begin('WHATSAPP');
    const secret = new URL(String(flow.step['payload'])).pathname.split('/').pop() as string;
    return timed(async () => {
      const confirmed = await fetch(`${base}/pair/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: secret }) });
      await confirmed.text();
      return (await call('GET', '/api/v1/flows/current', undefined, token)).step.kind === 'success';
    });
  },
  'OAuth (redirect back with code)': async () => {
    const { token, flow } = await begin('OIDC');
    const cookies = new Map<string, string>();
    let url = String(flow.step['authorizeUrl']);
    while (!url.startsWith(`${base}/oauth/callback`)) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of response.headers.getSetCookie()) {
        const [name, ...value] = (cookie.split(';')[0] ?? '').split('=');
        if (name) cookies.set(name, value.join('='));
      }
      await response.body?.cancel();
      url = new URL(response.headers.get('location') ?? '', url).href;
    }
    const callback = url;
    return timed(async () => {
      await (await fetch(callback)).text();
      return (await call('GET', '/api/v1/flows/current', undefined, token)).step.kind === 'success';
    });
  },
  ...(dovecot
    ? {
        'IMAP (LOGIN against Dovecot)': async () => {
          const { token, flow } = await begin('IMAP');
          const values = { email: dovecot.user, password: dovecot.password, host: 'localhost', port: String(dovecot.tlsPort), security: 'tls' };
          return timed(async () => (await call('POST', '/api/v1/flows/current/steps', { kind: 'credentials', stepId: flow.step.id, values }, token)).step.kind === 'success');
        },
      }
    : {}),
};

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;
try {
  for (const [name, run] of Object.entries(scenarios)) {
    await run();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i += 1) samples.push(await run());
    console.log(`last action → success step, ${name}: median ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms (${RUNS} runs)`);
  }
  if (!dovecot) console.log('IMAP skipped: Dovecot is not installed');
} finally {
  await keyway.close();
  await peers.close();
  rmSync(dataDir, { recursive: true, force: true });
}
