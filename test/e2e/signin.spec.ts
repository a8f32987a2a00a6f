import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as oidc from 'openid-client';
import { loadConfig } from '../../src/server/config.js';
import { createClient } from '../../src/server/identity/clients.js';
import { createUser } from '../../src/server/identity/users.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { SmtpSink } from '../server/smtp-sink.js';

/**
 * The sign-in half end to end, as a host app meets it: a real relying party (openid-client) and a
 * real SMTP server, Keyway started from source on its own SQLite file, Chromium as the user.
 */
let keyway: RunningKeyway;
let smtp: SmtpSink;
let callback: Server;
let callbackUrl: string;
let dataDir: string;
let apiKey: string;
let privateTokenKey: string;
let client: { id: string; secret: string };
const EMAIL = 'grace@acme.test';

test.beforeAll(async () => {
  smtp = new SmtpSink();
  const smtpPort = await smtp.listen();
  // The app's redirect URI: a page that only says it got there; the test reads the URL.
  callback = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('back at the app'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/auth/callback`;
  dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-signin-'));
  const { config } = loadConfig({
    KEYWAY_DATA_DIR: dataDir,
    KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KEYWAY_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    KEYWAY_MAIL_FROM: 'Keyway <no-reply@keyway.test>',
  });
  keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined }, { log: () => {} });
  const { db } = keyway.services.store;
  const { sealer } = keyway.services;
  const created = await createApiKey(db, sealer, { tenantName: 'acme', now: Date.now() });
  apiKey = created.apiKey;
  privateTokenKey = (await createApiKey(db, sealer, { tenantName: 'acme', kind: 'private_token', now: Date.now() })).apiKey;
  await createUser(db, created.tenantId, { first_name: 'Grace', last_name: 'Hopper', email: EMAIL }, Date.now());
  const registered = await createClient(db, created.tenantId, { name: 'Acme CRM', redirect_uris: [callbackUrl] }, Date.now());
  client = { id: registered.row.id, secret: registered.clientSecret ?? '' };
});

test.afterAll(async () => {
  await keyway?.close();
  await smtp?.close();
  callback?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(8000);
});

async function discover(): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(keyway.url), client.id, client.secret, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: /^Digit 1 of / }).click();
  await page.keyboard.type(code);
}

test('openid-client signs a user in through the wizard with the code mailed by Keyway, then refreshes, introspects and revokes', async ({ page }) => {
  const config = await discover();
  expect(config.serverMetadata().code_challenge_methods_supported).toEqual(['S256']);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizeUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const mailsBefore = smtp.mails.length;
  await page.goto(authorizeUrl.href);
  await expect(page.getByRole('heading', { name: 'Sign in to Acme CRM' })).toBeVisible();
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('Enter the 6-digit code sent to g•••@acme.test.')).toBeVisible();

  const [mail] = (await smtp.waitFor(mailsBefore + 1)).slice(mailsBefore);
  expect(mail?.envelope.to).toEqual([EMAIL]);
  expect(mail?.parsed.subject).toBe('Your Acme CRM sign-in code');
  const code = /\b(\d{6})\b/.exec(mail?.parsed.text ?? '')?.[1] as string;
  expect(code).toMatch(/^\d{6}$/);
  await typeCode(page, code);
  await page.waitForURL(`${callbackUrl}?*`);

  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims();
  expect(claims?.iss).toBe(keyway.url);
  expect(claims?.aud).toBe(client.id);
  expect(claims?.nonce).toBe(nonce);
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
  expect(userinfo.email).toBe(EMAIL);
  expect(userinfo.email_verified).toBe(true);

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);
  await oidc.tokenRevocation(config, refreshed.refresh_token as string);
  expect((await oidc.tokenIntrospection(config, refreshed.refresh_token as string)).active).toBe(false);
  expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
});

test('a login URL from the users API signs in after one click, and the app gets the user from /users/self', async ({ page, request }) => {
  const users = await request.get(`${keyway.url}/api/v1/users?email=${encodeURIComponent(EMAIL)}`, { headers: { 'x-api-key': apiKey } });
  const userId = ((await users.json()) as { items: { id: string }[] }).items[0]?.id as string;
  const issued = await request.post(`${keyway.url}/api/v1/users/${userId}/login_url`, { headers: { 'x-api-key': apiKey } });
  expect(issued.status()).toBe(201);
  const { login_url } = (await issued.json()) as { login_url: string };

  const started = Date.now();
  await page.goto(login_url);
  await expect(page.getByRole('heading', { name: 'Sign in to Acme CRM' })).toBeVisible();
  await expect(page.getByText('Continue as g•••@acme.test?')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${callbackUrl}?*`);
  test.info().annotations.push({ type: 'login URL → redirect', description: `${Date.now() - started} ms` });

  const code = new URL(page.url()).searchParams.get('code') as string;
  const exchanged = await request.post(`${keyway.url}/oauth2/token`, {
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}` },
    form: { grant_type: 'authorization_code', code, redirect_uri: callbackUrl },
  });
  expect(exchanged.status()).toBe(200);
  const answer = (await exchanged.json()) as { access_token: string; code: string; token_type: string; data: { email: string } };
  expect(answer.code).toBe('OK');
  expect(answer.token_type).toBe('Bearer');
  expect(answer.data.email).toBe(EMAIL);
  const self = await request.get(`${keyway.url}/users/self`, { headers: { authorization: `Bearer ${answer.access_token}` } });
  expect(((await self.json()) as { data: { email: string } }).data.email).toBe(EMAIL);

  // The link worked once: in another browser it is refused.
  const other = await page.context().browser()!.newContext();
  const again = await other.newPage();
  await again.goto(login_url);
  await expect(again.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await other.close();
});

test('a link preview that fetches the login URL, and one that renders it in a browser, do not use it up', async ({ browser, request }) => {
  const users = await request.get(`${keyway.url}/api/v1/users?email=${encodeURIComponent(EMAIL)}`, { headers: { 'x-api-key': apiKey } });
  const userId = ((await users.json()) as { items: { id: string }[] }).items[0]?.id as string;
  const { login_url } = (await (await request.post(`${keyway.url}/api/v1/users/${userId}/login_url`, { headers: { 'x-api-key': apiKey } })).json()) as { login_url: string };

  expect((await request.get(login_url)).status()).toBe(200);
  const scanner = await browser.newContext();
  const preview = await scanner.newPage();
  await preview.goto(login_url);
  await expect(preview.getByRole('button', { name: 'Continue' })).toBeVisible();
  await scanner.close();

  const user = await browser.newContext();
  const page = await user.newPage();
  await page.goto(login_url);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${callbackUrl}?*`);
  expect(new URL(page.url()).searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await user.close();
});

test('a user token (seed 002) in /login/?token= signs in and lands on closeOnboardingRedirect; other return paths are refused before the token is used', async ({ page, request }) => {
  const mint = async () => {
    const response = await request.post(`${keyway.url}/api/v1/user/token`, { headers: { authorization: `Bearer ${privateTokenKey}` }, data: { email: EMAIL, uid: 'grace-uid-1' } });
    expect(response.status()).toBe(200);
    return ((await response.json()) as { token: string }).token;
  };
  const token = await mint();
  for (const path of ['//evil.example', '/\\evil.example', 'https://evil.example', '%2F%2Fevil.example', 'javascript:alert(1)']) {
    const query = path.startsWith('%') ? path : encodeURIComponent(path);
    const response = await page.goto(`${keyway.url}/login/?token=${token}&openOnboarding=true&closeOnboardingRedirect=${query}`);
    expect(response?.status(), path).toBe(400);
    await expect(page.getByRole('heading', { name: 'This sign-in link is not valid' })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(keyway.url);
  }
  // Without openOnboarding: no steps, straight back to the app (onboarding.spec.ts runs the steps).
  await page.goto(`${keyway.url}/login/?token=${token}&closeOnboardingRedirect=/dashboard/education`);
  await page.waitForURL(`${callbackUrl}?*`);
  const back = new URL(page.url());
  expect(back.searchParams.get('return_to')).toBe('/dashboard/education');
  expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
});
