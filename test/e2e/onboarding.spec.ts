import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { loadConfig } from '../../src/server/config.js';
import { createClient } from '../../src/server/identity/clients.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { scanQr } from './helpers.js';

/**
 * Seed 002's login URL with `openOnboarding=true`: the wizard runs the tenant's onboarding (profile,
 * password, MFA set-up read off the QR code, recovery codes) before the sign-in completes, and the
 * host app lands on `closeOnboardingRedirect` signed in. The host app here is a real one: its
 * callback exchanges the code with its client secret, keeps a session cookie and redirects to the
 * `return_to` path it got; its dashboard shows who is signed in.
 */
const EMAIL = 'marie@acme.test';
/** A folder to save a screenshot of each step in, for a person to look at. */
const SCREENSHOTS = process.env['KEYWAY_ONBOARDING_SCREENSHOTS'];
let keyway: RunningKeyway;
let app: Server;
let appUrl: string;
let dataDir: string;
let apiKey: string;
let privateTokenKey: string;
let client: { id: string; secret: string };
const sessions = new Map<string, { name: string; email: string; mfa: boolean }>();

async function hostApp(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', appUrl);
  if (url.pathname === '/auth/callback') {
    const exchanged = await fetch(`${keyway.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${appUrl}/auth/callback` }),
    });
    if (exchanged.status !== 200) return void response.writeHead(401, { 'content-type': 'text/plain' }).end('sign-in refused');
    const { access_token } = (await exchanged.json()) as { access_token: string };
    const self = (await (await fetch(`${keyway.url}/users/self`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as { data: { first_name: string; last_name: string; email: string; mfa_enabled: boolean } };
    const session = randomBytes(16).toString('hex');
    sessions.set(session, { name: `${self.data.first_name} ${self.data.last_name}`, email: self.data.email, mfa: self.data.mfa_enabled });
    // Keyway checked return_to is a path inside the app; the app keeps to paths anyway.
    const returnTo = url.searchParams.get('return_to') ?? '/';
    const location = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
    return void response.writeHead(303, { location, 'set-cookie': `session=${session}; Path=/; HttpOnly; SameSite=Lax` }).end();
  }
  const session = sessions.get(/session=([0-9a-f]+)/.exec(request.headers.cookie ?? '')?.[1] ?? '');
  if (!session) return void response.writeHead(401, { 'content-type': 'text/plain' }).end('not signed in');
  response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Acme CRM</title><h1>Best practices</h1><p>Signed in as ${session.name} (${session.email})${session.mfa ? ', with two-step verification' : ''} at ${url.pathname}</p>`);
}

test.beforeAll(async () => {
  app = createServer((request, response) => void hostApp(request, response).catch(() => response.writeHead(500).end()));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-onboarding-'));
  const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined }, { log: () => {} });
  const { db } = keyway.services.store;
  const created = await createApiKey(db, keyway.services.sealer, { tenantName: 'acme', now: Date.now() });
  apiKey = created.apiKey;
  privateTokenKey = (await createApiKey(db, keyway.services.sealer, { tenantName: 'acme', kind: 'private_token', now: Date.now() })).apiKey;
  const registered = await createClient(db, created.tenantId, { name: 'Acme CRM', redirect_uris: [`${appUrl}/auth/callback`] }, Date.now());
  client = { id: registered.row.id, secret: registered.clientSecret ?? '' };
});

test.afterAll(async () => {
  await keyway?.close();
  app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scan(browser: Browser, png: Buffer): Promise<string | undefined> {
  const camera = await browser.newPage();
  const scanned = await scanQr(camera, png);
  await camera.close();
  return scanned;
}

test('openOnboarding=true: profile, password and MFA set-up in the wizard, then /dashboard/education of the host app, signed in', async ({ page, request, browser }) => {
  page.setDefaultTimeout(8000);
  const settings = {
    profile: [
      { name: 'first_name', required: true },
      { name: 'last_name', required: true },
      { name: 'phone_number', required: false },
      { name: 'timezone', required: false },
    ],
    password: 'optional',
    mfa: 'optional',
  };
  const saved = await request.put(`${keyway.url}/api/v1/settings/onboarding`, { headers: { 'x-api-key': apiKey }, data: settings });
  expect(saved.status()).toBe(200);
  const minted = await request.post(`${keyway.url}/api/v1/user/token`, { headers: { authorization: `Bearer ${privateTokenKey}` }, data: { email: EMAIL, uid: 'marie-uid-1' } });
  expect(minted.status()).toBe(200);
  const { token } = (await minted.json()) as { token: string };
  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  await page.goto(`${keyway.url}/login/?token=${token}&openOnboarding=true&closeOnboardingRedirect=/dashboard/education`);
  await expect(page.getByRole('heading', { name: 'Complete your profile' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'First name' })).toHaveValue('marie');
  await page.getByRole('textbox', { name: 'First name' }).fill('Marie');
  await page.getByRole('textbox', { name: 'Last name' }).fill('Curie');
  await page.getByRole('textbox', { name: 'Phone number' }).fill('0664 123');
  await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Vienna');
  await shot('1-profile');
  await page.getByRole('button', { name: 'Continue' }).click();
  // The browser's rule says no before the server is asked; the server says the same in its own words.
  await expect(page.getByText('This value is not in the expected format.')).toBeVisible();
  await shot('1b-profile-refused');
  await page.getByRole('textbox', { name: 'Phone number' }).fill('+4368120265807');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Choose a password' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toBeVisible();
  const password = page.getByLabel('New password');
  await expect(password).toHaveAttribute('autocomplete', 'new-password');
  await password.fill('password1234');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText(/one of the most common passwords/)).toBeVisible();
  await shot('2-password-refused');
  await password.fill('radium and polonium, 1898');
  await page.getByRole('button', { name: 'Set password' }).click();

  await expect(page.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toBeVisible();
  await shot('3-mfa-setup');
  const uri = await scan(browser, await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).screenshot());
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const totp = OTPAuth.URI.parse(uri as string) as OTPAuth.TOTP;
  expect(totp.label).toBe(EMAIL);
  await page.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: 'Digit 1 of 6' }).click();
  await page.keyboard.type(totp.generate());

  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
  await shot('4-recovery-codes');
  await page.getByRole('checkbox', { name: 'I have saved these codes' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.waitForURL(`${appUrl}/dashboard/education`);
  await expect(page.getByText('Signed in as Marie Curie (marie@acme.test), with two-step verification at /dashboard/education')).toBeVisible();
  const users = await request.get(`${keyway.url}/api/v1/users?email=${encodeURIComponent(EMAIL)}`, { headers: { 'x-api-key': apiKey } });
  const [user] = ((await users.json()) as { items: Record<string, unknown>[] }).items;
  expect([user?.['first_name'], user?.['last_name'], user?.['phone_number'], user?.['timezone'], user?.['has_password'], user?.['mfa_enabled']]).toEqual([
    'Marie',
    'Curie',
    '+4368120265807',
    'Europe/Vienna',
    true,
    true,
  ]);
});

test('closing the onboarding (Cancel on the profile) still signs the user in and lands on closeOnboardingRedirect', async ({ page, request }) => {
  page.setDefaultTimeout(8000);
  const saved = await request.put(`${keyway.url}/api/v1/settings/onboarding`, { headers: { 'x-api-key': apiKey }, data: { profile: [{ name: 'first_name', required: true }], password: 'optional', mfa: 'off' } });
  expect(saved.status()).toBe(200);
  const minted = await request.post(`${keyway.url}/api/v1/user/token`, { headers: { authorization: `Bearer ${privateTokenKey}` }, data: { email: 'pierre@acme.test', uid: 'pierre-uid-1' } });
  const { token } = (await minted.json()) as { token: string };

  await page.goto(`${keyway.url}/login/?token=${token}&openOnboarding=true&closeOnboardingRedirect=/dashboard/education`);
  await expect(page.getByRole('heading', { name: 'Complete your profile' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForURL(`${appUrl}/dashboard/education`);
  await expect(page.getByText('Signed in as pierre  (pierre@acme.test) at /dashboard/education')).toBeVisible();
});
