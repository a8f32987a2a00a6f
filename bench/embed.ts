/**
 * Time from `open()` on a host page to the wizard's first step being interactive, per SDK mode
 * (inline, modal, popup, redirect), in Chromium against Keyway started by its CLI: median of fresh
 * browser contexts (cold HTTP cache). Uses the built SDK (dist/embed) through the e2e host app's
 * embed.html, on another origin with a strict CSP.
 *
 * `open()` time is the host page's `Date.now()` in the click handler; the end is read inside the
 * wizard's own document (`performance.timeOrigin + performance.now()`, the same clock) when its
 * first provider button is enabled. In redirect mode the host page is gone by then, so the end is
 * the wizard page's `performance.now()`: its time origin is the navigation that `open()` starts.
 */
import { existsSync, rmSync } from 'node:fs';
import { chromium, type Frame, type Page } from 'playwright';
import { startHostApp } from '../test/e2e/host-app.js';
import { freshDataDir, startUntil, stop } from './processes.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const MODES = ['inline', 'modal', 'popup', 'redirect'] as const;
type Mode = (typeof MODES)[number];

if (!existsSync('dist/embed/keyway-embed.js')) {
  console.error('bench:embed: dist/embed/keyway-embed.js is missing; run `npm run build:embed` first.');
  process.exit(1);
}

const dataDir = freshDataDir();
// Every run opens a flow from this one address.
const keyway = await startUntil('node', ['bin/keyway.js', 'start', '--demo'], /^API key: (\S+)/, { KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_RATE_LIMITS: 'flow_open=100000/60' });
const keywayUrl = keyway.lines.map((line) => line.match(/^Keyway listening on (\S+)/)?.[1]).find(Boolean) as string;
const apiKey = keyway.match[1] as string;
const host = await startHostApp({ keywayOrigin: new URL(keywayUrl).origin });
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function newLink(): Promise<string> {
  const response = await fetch(`${keywayUrl}/api/v1/hosted/accounts/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({
      type: 'create',
      providers: '*',
      api_url: keywayUrl,
      expiresOn: new Date(Date.now() + 600_000).toISOString(),
      // Their origin is the one allowed to frame the wizard and receive its messages.
      success_redirect_url: `${host.origin}/done?result=success`,
      failure_redirect_url: `${host.origin}/done?result=failure`,
    }),
  });
  if (response.status !== 201) throw new Error(`link API answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { url: string }).url;
}

/** In the wizard's document: the time (epoch ms, or ms since navigation) its first provider button became enabled, else false. */
function firstStepReadyAt(sinceNavigation: boolean): number | false {
  const providers = document.querySelector('keyway-wizard')?.shadowRoot?.querySelector('keyway-providers');
  const button = providers?.shadowRoot?.querySelector<HTMLButtonElement>('button[part="provider"]');
  if (!button || button.disabled) return false;
  return sinceNavigation ? performance.now() : performance.timeOrigin + performance.now();
}

async function readyAt(target: Page | Frame, sinceNavigation: boolean): Promise<number> {
  const handle = await target.waitForFunction(firstStepReadyAt, sinceNavigation, { polling: 'raf', timeout: 10_000 });
  return (await handle.jsonValue()) as number;
}

/** Milliseconds from open() to the first step interactive, in a fresh context. */
async function measure(mode: Mode): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const link = await newLink();
  await page.goto(`${host.origin}/embed.html?${new URLSearchParams({ link, mode })}`);
  const button = page.getByRole('button', { name: 'Connect an account' });
  try {
    if (mode === 'redirect') {
      await button.click();
      await page.waitForURL(link, { waitUntil: 'commit' });
      return await readyAt(page, true);
    }
    if (mode === 'popup') {
      const [popup] = await Promise.all([context.waitForEvent('page'), button.click()]);
      const end = await readyAt(popup, false);
      return end - ((await page.evaluate(() => (window as unknown as { openedAt: number }).openedAt)) as number);
    }
    await button.click();
    const frame = await (await page.waitForSelector('iframe[title="Connect an account"]', { state: 'attached' })).contentFrame();
    if (!frame) throw new Error('the wizard frame has no content frame');
    const end = await readyAt(frame, false);
    return end - ((await page.evaluate(() => (window as unknown as { openedAt: number }).openedAt)) as number);
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
try {
  await measure('inline'); // warm-up: the server's first requests (widget manifest, cold caches)
  const results: string[] = [];
  for (const mode of MODES) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) times.push(await measure(mode));
    results.push(`${mode} ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
  }
  console.log(`open() → wizard's first step interactive (median of ${RUNS}, fresh context each): ${results.join('; ')}`);
} finally {
  await browser.close();
  host.server.close();
  await stop(keyway.child);
  rmSync(dataDir, { recursive: true, force: true });
}
