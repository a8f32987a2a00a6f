/**
 * Time from navigation to the first step being interactive on the hosted page, next to a static
 * HTML page from the same server, in the same Chromium: median of fresh page loads.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { startKeyway } from '../src/server/server.js';
import { loadConfig } from '../src/server/config.js';
import { parseLimitRules } from '../src/server/security/rate-limits.js';
import { createApiKey } from '../src/server/store/tenants.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-load-'));
const keyway = await startKeyway(
  {
    ...loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true }).config,
    port: 0,
    publicUrl: 'http://127.0.0.1:0',
    providersFile: undefined,
    // Every run opens a flow from this one address.
    rateLimits: parseLimitRules('flow_open=100000/60'),
  },
  { log: () => {} },
);
const { apiKey } = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'bench', now: Date.now() });
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function newLink(): Promise<string> {
  const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ type: 'create', providers: '*', api_url: keyway.url, expiresOn: new Date(Date.now() + 600_000).toISOString() }),
  });
  return ((await response.json()) as { url: string }).url;
}

/** Milliseconds from navigation start until `ready` returns true in the page (functions, not strings: the page's CSP forbids eval). */
async function measure(url: string, ready: () => boolean): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(ready, undefined, { polling: 'raf' });
  const value = await page.evaluate(() => performance.now());
  await context.close();
  return value;
}

function firstStepReady(): boolean {
  const providers = document.querySelector('keyway-wizard')?.shadowRoot?.querySelector('keyway-providers');
  const button = providers?.shadowRoot?.querySelector<HTMLButtonElement>('button[part="provider"]');
  return Boolean(button && !button.disabled);
}
const staticReady = () => Boolean(document.querySelector('button'));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
try {
  await measure(await newLink(), firstStepReady);
  const wizard: number[] = [];
  const page: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    wizard.push(await measure(await newLink(), firstStepReady));
    page.push(await measure(`${keyway.url}/pair`, staticReady));
  }
  console.log(
    `navigation → first step interactive (median of ${RUNS}, cold cache): hosted wizard ${median(wizard).toFixed(0)} ms; baseline static HTML page with a button ${median(page).toFixed(0)} ms`,
  );
} finally {
  await browser.close();
  await keyway.close();
  rmSync(dataDir, { recursive: true, force: true });
}
