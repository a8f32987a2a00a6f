/**
 * Screenshots of every wizard step, in light and dark, for docs/screenshots/.
 *
 *   npm run build:widget && node --import tsx scripts/screenshots.ts
 *
 * Starts Keyway in demo mode on a throwaway SQLite file, creates links with an
 * API key, opens the hosted page in Chromium (the real page, under its real CSP)
 * and walks the demo providers: providers, credentials, MFA (also after a wrong
 * code), success, failure (cancelled) and the QR step. English at desktop width;
 * Arabic (right to left) and German at 320 px, the narrowest supported width.
 * Then the demo host app signed in by a login URL (demo-signin.png). Any CSP
 * violation, page error or horizontal overflow fails the run (after writing
 * every picture, so the faulty ones can be looked at). `scripts/screenshots.ts
 * demo-signin` takes only that last one.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser, type Locator, type Page } from 'playwright';
import { demoRoutes } from '../demo/server.js';
import { loadConfig } from '../src/server/config.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME } from '../src/server/providers/demo.js';
import { startKeyway } from '../src/server/server.js';
import { createApiKey } from '../src/server/store/tenants.js';

const OUT_DIR = 'docs/screenshots';
const THEMES = ['light', 'dark'] as const;

interface Run {
  /** File name prefix, e.g. `en` or `ar-320`. */
  name: string;
  locale: string;
  width: number;
  /** The whole page (small screens) or just the card (desktop). */
  fullPage: boolean;
}

const RUNS: Run[] = [
  { name: 'en', locale: 'en', width: 1024, fullPage: false },
  { name: 'ar-320', locale: 'ar', width: 320, fullPage: true },
  { name: 'de-320', locale: 'de', width: 320, fullPage: true },
];

const dataDir = mkdtempSync(join(tmpdir(), 'keyway-screenshots-'));
const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_HOST: '127.0.0.1', KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0' }, { demo: true });
let demoApiKey = '';
// Webhooks go to an address that does not exist; their retries are not news here.
const keyway = await startKeyway(config, {
  log: () => undefined,
  extraRoutes: (services, internalUrl) => [demoRoutes({ services, internalUrl, apiKey: () => demoApiKey, tenantName: 'demo' })],
});
const { apiKey } = await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'screenshots', now: Date.now() });
demoApiKey = (await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'demo', now: Date.now() })).apiKey;
const onlyDemo = process.argv[2] === 'demo-signin';
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
mkdirSync(OUT_DIR, { recursive: true });
const problems: string[] = [];

try {
  for (const run of onlyDemo ? [] : RUNS) {
    for (const theme of THEMES) await walk(browser, run, theme);
  }
  await demoSignIn(browser);
} finally {
  await browser.close();
  await keyway.close();
  rmSync(dataDir, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

async function walk(browser: Browser, run: Run, theme: (typeof THEMES)[number]): Promise<void> {
  const context = await browser.newContext({ colorScheme: theme, viewport: { width: run.width, height: run.fullPage ? 640 : 900 }, locale: run.locale });
  const open = async (): Promise<Page> => {
    const page = watched(await context.newPage(), `${run.name} ${theme}`);
    await page.goto(await createLink(run.locale));
    await page.locator('keyway-providers [part~="provider"]').first().waitFor();
    return page;
  };
  const shoot = async (page: Page, step: string) => {
    // The card's height changes with the step: wait for the focus move and fonts to settle before the picture.
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(150);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) problems.push(`${run.name} ${step} ${theme}: the page is ${overflow}px wider than the ${run.width}px viewport`);
    const file = join(OUT_DIR, `${run.name}-${step}-${theme}.png`);
    const target: Page | Locator = run.fullPage ? page : page.locator('keyway-wizard');
    await target.screenshot({ path: file, animations: 'disabled', ...(run.fullPage ? { fullPage: true } : {}) });
    console.log(`wrote ${file}`);
  };

  const page = await open();
  await shoot(page, '1-providers');
  await page.locator('[data-provider="DEMO"]').click();
  await page.locator('input[name="username"]').fill(DEMO_USERNAME);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await shoot(page, '2-credentials');
  await page.locator('keyway-credentials button[type="submit"]').click();
  await typeCode(page, wrongCode());
  await page.locator('keyway-mfa [role="alert"]').first().waitFor();
  await shoot(page, '3-mfa-wrong-code');
  await typeCode(page, totp().generate());
  await page.locator('keyway-success').waitFor();
  await shoot(page, '4-success');
  await page.close();

  const cancelled = await open();
  await cancelled.locator('[part~="cancel-button"]').click();
  await cancelled.locator('keyway-failure').waitFor();
  await shoot(cancelled, '5-failure');
  await cancelled.close();

  const qr = await open();
  await qr.locator('[data-provider="WHATSAPP"]').click();
  await qr.locator('keyway-qr [role="img"]').first().waitFor();
  await shoot(qr, '6-qr');
  await qr.close();
  await context.close();
}

function watched(page: Page, label: string): Page {
  page.setDefaultTimeout(5000);
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(`${label}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${label}: ${error.message}`));
  return page;
}

/** The demo host app after a sign-in by login URL: who is signed in, the access token's claims and its check against the JWKS. */
async function demoSignIn(browser: Browser): Promise<void> {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 1000 }, locale: 'en' });
  const page = watched(await context.newPage(), 'demo-signin');
  await page.goto(`${keyway.url}/demo/`);
  await page.getByRole('button', { name: 'Get a login URL' }).click();
  await page.getByRole('button', { name: 'Open it' }).click();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/demo\/#signin$/, { timeout: 10_000 });
  await page.locator('#signed-in .check').waitFor();
  await page.evaluate(() => document.fonts.ready);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) problems.push(`demo-signin: the page is ${overflow}px wider than the viewport`);
  const file = join(OUT_DIR, 'demo-signin.png');
  await page.screenshot({ path: file, animations: 'disabled' });
  console.log(`wrote ${file}`);
  await context.close();
}

/** Types a code into the MFA step's boxes; a complete code submits itself. */
async function typeCode(page: Page, code: string): Promise<void> {
  const mfa = page.locator('keyway-mfa');
  await mfa.waitFor();
  await mfa.locator('input').first().click();
  await page.keyboard.type(code);
}

function totp(): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) });
}

function wrongCode(): string {
  return totp().generate() === '000000' ? '111111' : '000000';
}

async function createLink(locale: string): Promise<string> {
  const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'create',
      providers: '*',
      api_url: keyway.url,
      expiresOn: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
      success_redirect_url: 'https://app.example.com/accounts?connected=1',
      failure_redirect_url: 'https://app.example.com/accounts?connected=0',
      notify_url: 'https://app.example.com/webhooks/keyway',
      name: 'screenshots',
      locale,
    }),
  });
  if (response.status !== 201) throw new Error(`link creation answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { url: string }).url;
}
