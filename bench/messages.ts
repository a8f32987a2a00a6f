/**
 * Messages (seed 000), each figure next to its baseline from the same run:
 * - `POST /api/v1/messages` accepted per second at 64 connections (each answer one message row and
 *   its mail queued to the outbox in one transaction, no SMTP server set, so nothing is sent yet),
 *   next to a raw node:http hello;
 * - then a Keyway started on the same database with a local SMTP server (smtp-server on loopback,
 *   a process of its own): mails delivered per second for a bounded time, read off the outbox.
 *
 * Keyway runs in this process from source; autocannon runs in a worker thread.
 * Usage: node --import tsx bench/messages.ts   (BENCH_SECONDS sets each load's length, default 10)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/server/config.js';
import { startKeyway, type RunningKeyway } from '../src/server/server.js';
import { createApiKey } from '../src/server/store/tenants.js';
import { CONNECTIONS, describeLoad, describeStatuses, helloBaseline, LoadWorker } from './load-worker.js';
import { startUntil, stop } from './processes.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = 2;
/** How long the delivery is watched; the figure is what went out in that time. */
const DELIVERY_SECONDS = Math.min(20, SECONDS * 2);
const WATCHDOG_MS = 120_000;

const MESSAGE = {
  email: 'ann@bench.test',
  agentId: 42,
  sender: 'agent',
  source: 'bot',
  content: {
    subject: 'A new listing for you',
    message: 'Hello Ann, this one has the garden you asked for: https://homes.bench.test/l/1?ref=mail#photos',
    links: ['https://homes.bench.test/l/1', 'https://homes.bench.test/search?city=Vienna'],
  },
};

const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-messages-'));
const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
const loads = new LoadWorker();
const running: RunningKeyway[] = [];
let smtp: Awaited<ReturnType<typeof startUntil>> | undefined;

async function start(smtpUrl: string | undefined): Promise<RunningKeyway> {
  const { config } = loadConfig(env);
  const keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined, rateLimits: 'off', smtpUrl }, { log: () => {} });
  running.push(keyway);
  return keyway;
}

/** The message mails in the outbox, sent or not yet. */
async function messageMails(keyway: RunningKeyway, which: 'sent' | 'queued'): Promise<number> {
  const row = await keyway.services.store.db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'message')
    .where('sent_at', which === 'sent' ? 'is not' : 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function cleanUp(): Promise<void> {
  await loads.close();
  await Promise.all(running.splice(0).map((keyway) => keyway.close().catch(() => {})));
  if (smtp) await stop(smtp.child);
  rmSync(dataDir, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  console.error(`bench:messages: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

try {
  const runStarted = performance.now();
  const accepting = await start(undefined);
  const { apiKey } = await createApiKey(accepting.services.store.db, accepting.services.sealer, { tenantName: 'bench', now: Date.now() });
  const job = (seconds: number) => ({
    url: `${accepting.url}/api/v1/messages`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    // One body for every request (the same string, so the pool costs no memory); the cap bounds the run.
    bodies: new Array<string>(200_000).fill(JSON.stringify(MESSAGE)),
    seconds,
  });
  // The first message creates the client; the load then sends to a user who exists.
  const first = await fetch(job(0).url, { method: 'POST', headers: job(0).headers, body: JSON.stringify(MESSAGE) });
  if (first.status !== 201) throw new Error(`the first message answered ${first.status}: ${await first.text()}`);
  await loads.run(job(WARMUP_SECONDS));
  const accepted = await loads.run(job(SECONDS));
  const baseline = await helloBaseline(loads, SECONDS);
  const queued = await messageMails(accepting, 'queued');
  console.log(`POST /api/v1/messages (X-API-KEY, two links and a URL in the text, each a token appended), ${CONNECTIONS} connections, ${SECONDS} s: ${describeLoad(accepted)} (statuses ${describeStatuses(accepted)}); baseline node:http hello: ${describeLoad(baseline)}`);
  console.log(`  ${queued} mails queued in the outbox, none sent (no SMTP server set)`);
  await accepting.close();

  smtp = await startUntil('node', ['bench/smtp-counter.js'], /^listening (\d+)/);
  const delivering = await start(`smtp://127.0.0.1:${smtp.match[1]}`);
  const deliveryStarted = performance.now();
  let sent = 0;
  while (performance.now() - deliveryStarted < DELIVERY_SECONDS * 1000 && sent < queued) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    sent = await messageMails(delivering, 'sent');
  }
  const seconds = (performance.now() - deliveryStarted) / 1000;
  console.log(`mails delivered to a local SMTP server (smtp-server on loopback, plain SMTP, one process of its own): ${(sent / seconds).toFixed(0)} mails/s, ${sent} of ${queued} in ${seconds.toFixed(1)} s (watched for at most ${DELIVERY_SECONDS} s)`);
  console.log(`(bench:messages took ${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
