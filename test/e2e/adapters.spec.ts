import { expect, test, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { createLink, hostMessages, hostOrigin, openAsPopup, receivedHooks, scanQr, typeCode } from './helpers.js';

interface Peers {
  passwordGrant: { users: { plain: { email: string; password: string }; withMfa: { email: string; password: string; totp: string } } };
  imap: { user: string; password: string; port: number } | null;
}
const peers = () => JSON.parse(process.env['KEYWAY_E2E_PEERS'] ?? '{}') as Peers;

test.beforeEach(async ({ context }) => {
  context.setDefaultTimeout(8000);
  // oidc-provider's pages import a web font; this machine has no internet.
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
});

async function chooseProvider(wizard: Page, name: RegExp): Promise<void> {
  await wizard.getByRole('button', { name }).click();
}

async function landsOnSuccess(wizard: Page, host: Page, name: string, provider: string): Promise<void> {
  await expect(wizard.getByRole('heading', { name: 'Account connected' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Continue now' }).click();
  await wizard.waitForURL(`${hostOrigin()}/done?result=success&account_id=*`);
  expect((await hostMessages(host)).at(-1)).toMatchObject({ type: 'success', data: { provider } });
  await expect.poll(async () => (await receivedHooks(host.request)).some((hook) => hook.body.includes(name) && hook.body.includes('CREATION_SUCCESS'))).toBe(true);
}

test('QR pairing: a second browser plays the phone, decodes the QR from the screen and confirms', async ({ page, browser, request }) => {
  const name = `qr-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name, { providers: ['WHATSAPP'] }));
  await chooseProvider(wizard, /WhatsApp/);
  const qr = wizard.getByRole('img', { name: 'QR code to scan with WhatsApp' });
  await expect(qr).toBeVisible();
  const shot = await qr.screenshot();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const camera = await phone.newPage();
  const scanned = await scanQr(camera, shot);
  expect(scanned).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pair\/[A-Za-z0-9_-]{43}$/);

  await camera.goto(scanned as string);
  await expect(camera.getByRole('heading', { name: /Connect WhatsApp/ })).toBeVisible();
  await camera.getByRole('button', { name: 'Confirm' }).click();
  await expect(camera.getByText('WhatsApp is connected')).toBeVisible();
  await phone.close();

  // The computer's wizard moves on by itself (server-sent events).
  await landsOnSuccess(wizard, page, name, 'WHATSAPP');
});

test('OAuth: the provider opens in a popup from the click, with sign-in and consent at a real OpenID provider', async ({ page, request }) => {
  const name = `oauth-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name, { providers: ['OIDC'] }));
  await chooseProvider(wizard, /Test OpenID/);
  const [provider] = await Promise.all([wizard.waitForEvent('popup'), wizard.getByRole('button', { name: 'Continue with Test OpenID' }).click()]);
  await provider.locator('input[name="login"]').fill('alice');
  await provider.locator('input[name="password"]').fill('any password');
  await provider.getByRole('button', { name: 'Sign-in' }).click();
  await provider.getByRole('button', { name: 'Continue' }).click();
  await provider.waitForEvent('close');
  await landsOnSuccess(wizard, page, name, 'OIDC');
});

test('password grant with MFA: a wrong password shows on the field, then the TOTP code connects', async ({ page, request }) => {
  const { withMfa } = peers().passwordGrant.users;
  const name = `rechat-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name, { providers: ['RECHAT'] }));
  await chooseProvider(wizard, /Rechat/);
  await wizard.getByLabel('Email', { exact: true }).fill(withMfa.email);
  await wizard.getByLabel('Password', { exact: true }).fill('wrong');
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await expect(wizard.getByText('Wrong email or password.')).toBeVisible();
  await wizard.getByLabel('Password', { exact: true }).fill(withMfa.password);
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await expect(wizard.getByRole('group', { name: 'Verification code' })).toBeVisible();
  await typeCode(wizard, new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(withMfa.totp) }).generate());
  await landsOnSuccess(wizard, page, name, 'RECHAT');
});

test('IMAP against Dovecot: a refused password stays on the step, the right one connects', async ({ page, request }) => {
  const imap = peers().imap;
  test.skip(!imap, 'Dovecot is not installed');
  if (!imap) return;
  const name = `imap-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name, { providers: ['IMAP'] }));
  await chooseProvider(wizard, /Email \(IMAP\)/);
  await wizard.getByLabel('Email address', { exact: true }).fill(imap.user);
  await wizard.getByLabel('Password', { exact: true }).fill('wrong password');
  await wizard.getByLabel('IMAP server', { exact: true }).fill('localhost');
  await wizard.getByLabel('Port', { exact: true }).fill(String(imap.port));
  await wizard.getByLabel('Security', { exact: true }).selectOption('tls');
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await expect(wizard.getByText('The server refused this email address and password.')).toBeVisible({ timeout: 15_000 });
  await wizard.getByLabel('Password', { exact: true }).fill(imap.password);
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await landsOnSuccess(wizard, page, name, 'IMAP');
});
