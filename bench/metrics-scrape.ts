/**
 * `GET /metrics` scrape time with 10,000 flows recorded: the flows go through the engine's observer
 * (every provider × outcome × reason the demo can produce, and an answer time per step), and 10,000
 * webhooks and 10,000 mails sit in the outboxes the gauges aggregate. Baseline: the same request to
 * `/healthz` on the same app, which reads nothing. SQLite file in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/server/app.js';
import { Sealer } from '../src/server/security/sealer.js';
import { newId } from '../src/server/security/tokens.js';
import { createServices } from '../src/server/server.js';
import { openStore } from '../src/server/store/database.js';
import { createApiKey } from '../src/server/store/tenants.js';

const FLOWS = 10_000;
const RUNS = 50;
const TOKEN = randomBytes(16).toString('hex');

const dir = mkdtempSync(join(tmpdir(), 'keyway-metrics-bench-'));
const store = await openStore({ url: join(dir, 'keyway.sqlite') });
try {
  const sealer = new Sealer(randomBytes(32));
  const services = createServices({ store, sealer, demo: true, publicUrl: 'http://127.0.0.1', clock: Date.now, metrics: { token: TOKEN } });
  const app = createApp(services);
  const { tenantId } = await createApiKey(store.db, sealer, { tenantName: 'bench', now: Date.now() });
  const observer = services.metrics?.collector;
  if (!observer) throw new Error('metrics are not on');

  const providers = ['DEMO', 'GOOGLE', 'IMAP', 'WHATSAPP'];
  const endings = [{ status: 'succeeded' as const }, { status: 'failed' as const, reason: 'user_cancelled' as const }, { status: 'failed' as const, reason: 'mfa_locked' as const }, { status: 'expired' as const, reason: 'link_expired' as const }];
  const now = Date.now();
  for (let n = 0; n < FLOWS; n++) {
    observer.opened('create');
    for (const step of ['providers', 'credentials', 'mfa'] as const) observer.answered(step, 500 + (n % 40) * 250);
    observer.ended({ type: 'create', provider: providers[n % providers.length] ?? null, ...(endings[n % endings.length] ?? { status: 'succeeded' }) });
  }
  const rows = (kind: 'webhook' | 'mail', n: number) => ({ created_at: now - n * 1000, attempts: 1 + (n % 3), failed_at: n % 10 === 0 ? now : null, id: newId(), tenant_id: tenantId, next_attempt_at: now, locked_until: null, last_error: null, kind });
  for (let start = 0; start < FLOWS; start += 500) {
    const batch = Array.from({ length: 500 }, (_, i) => start + i);
    await store.db
      .insertInto('webhook_outbox')
      .values(batch.map((n) => { const { kind: _kind, ...row } = rows('webhook', n); return { ...row, event_id: newId(), url: 'https://hooks.bench.test/k', destination: 'https://hooks.bench.test', body: '{}', delivered_at: n % 2 === 0 && n % 10 !== 0 ? now : null }; }))
      .execute();
    await store.db
      .insertInto('mail_outbox')
      .values(batch.map((n) => ({ ...rows('mail', n), ref_id: null, to_address: 'a@bench.test', subject: 's', sealed_body: '', expires_at: null, sent_at: n % 2 === 0 && n % 10 !== 0 ? now : null })))
      .execute();
  }

  async function time(path: string, headers: Record<string, string>): Promise<{ median: number; p95: number; bytes: number }> {
    const took: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS + 5; run++) {
      const started = performance.now();
      const response = await app.request(path, { headers });
      bytes = (await response.text()).length;
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      if (run >= 5) took.push(performance.now() - started);
    }
    took.sort((a, b) => a - b);
    return { median: took[Math.floor(took.length / 2)] ?? 0, p95: took[Math.floor(took.length * 0.95)] ?? 0, bytes };
  }
  const scrape = await time('/metrics', { authorization: `Bearer ${TOKEN}` });
  const baseline = await time('/healthz', {});
  console.log(`/metrics with ${FLOWS.toLocaleString('en')} flows, ${FLOWS.toLocaleString('en')} webhooks and ${FLOWS.toLocaleString('en')} mails recorded (median/p95 of ${RUNS}):`);
  console.log(`  scrape        ${scrape.median.toFixed(2)} / ${scrape.p95.toFixed(2)} ms  (${(scrape.bytes / 1000).toFixed(1)} KB)`);
  console.log(`  baseline      ${baseline.median.toFixed(2)} / ${baseline.p95.toFixed(2)} ms  (/healthz, same app)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
