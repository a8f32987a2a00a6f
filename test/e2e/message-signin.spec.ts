import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { loadConfig } from '../../src/server/config.js';
import { createClient } from '../../src/server/identity/clients.js';
import { createUser } from '../../src/server/identity/users.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { SmtpSink } from '../server/smtp-sink.js';

/**
 * Sign-in by message token (seed 000) as a client meets it: a message mailed through a real SMTP
 * server, its token taken from the mail's link, Keyway's hosted confirm step in Chromium, and the
 * host app's backend as a real relying party (openid-client).
 */
const GRANT = 'urn:keyway:params:oauth:grant-type:message-token';
const EMAIL = 'linus@acme.test';
let keyway: RunningKeyway;
let smtp: SmtpSink;
let callback: Server;
let callbackUrl: string;
let dataDir: string;
let apiKey: string;
let userId: string;
let client: { id: string; secret: string };

test.beforeAll(async () => {
  smtp = new SmtpSink();
  const smtpPort = await smtp.listen();
  callback = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('back at the app'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/auth/callback`;
  dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-message-'));
  const { config } = loadConfig({
    KEYWAY_DATA_DIR: dataDir,
    KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KEYWAY_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    KEYWAY_MAIL_FROM: 'Keyway <no-reply@keyway.test>',
  });
  keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined }, { log: () => {} });
  const { db } = keyway.services.store;
  const created = await createApiKey(db, keyway.services.sealer, { tenantName: 'acme', now: Date.now() });
  apiKey = created.apiKey;
  userId = (await createUser(db, created.tenantId, { first_name: 'Linus', last_name: 'Pauling', email: EMAIL }, Date.now())).id;
  const registered = await createClient(db, created.tenantId, { name: 'Acme Homes', redirect_uris: [callbackUrl], grant_types: ['authorization_code', 'refresh_token', GRANT] }, Date.now());
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

/** Sends a message and answers the token the mailed link carries. */
async function mailedToken(request: import('@playwright/test').APIRequestContext): Promise<string> {
  const before = smtp.mails.length;
  const sent = await request.post(`${keyway.url}/api/v1/messages`, {
    headers: { 'x-api-key': apiKey },
    data: { clientId: userId, agentId: 7, sender: 'agent', source: 'agent', content: { message: 'A house you might like.', links: ['https://homes.acme.test/listings/C9231328'] } },
  });
  expect(sent.status()).toBe(201);
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  const link = /https:\/\/homes\.acme\.test\/listings\/C9231328\?token=([0-9a-f-]{36})/.exec(mail?.parsed.text ?? '');
  expect(link).not.toBeNull();
  return link?.[1] as string;
}

test('the token of a mailed message signs its client in through the confirm step, once', async ({ page, request }) => {
  const token = await mailedToken(request);
  const loginUrl = `${keyway.url}/login/?message_token=${token}`;
  // A mail scanner's fetch first: it must leave the token working.
  expect((await request.get(loginUrl)).status()).toBe(200);

  await page.goto(loginUrl);
  await expect(page.getByRole('heading', { name: 'Sign in to Acme Homes' })).toBeVisible();
  await expect(page.getByText('Continue as l•••@acme.test?')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${callbackUrl}?*`);
  const code = new URL(page.url()).searchParams.get('code') as string;
  expect(code).toBeTruthy();

  const config = await oidc.discovery(new URL(keyway.url), client.id, client.secret, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { idTokenExpected: true });
  expect(decodeJwt(tokens.access_token).sub).toBe(userId);

  // The same link again: refused with its reason, not a second sign-in.
  await page.goto(loginUrl);
  await expect(page.getByText('The message token has already been used to sign in.')).toBeVisible();
});

test('openid-client exchanges a mailed token with the message-token grant, and only once', async ({ request }) => {
  const token = await mailedToken(request);
  const config = await oidc.discovery(new URL(keyway.url), client.id, client.secret, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
  expect(config.serverMetadata().grant_types_supported).toContain(GRANT);
  const tokens = await oidc.genericGrantRequest(config, GRANT, { token });
  expect(decodeJwt(tokens.access_token).sub).toBe(userId);
  expect(tokens.refresh_token).toBeTruthy();
  await expect(oidc.genericGrantRequest(config, GRANT, { token })).rejects.toMatchObject({ error: 'invalid_grant' });
});
