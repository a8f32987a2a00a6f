import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { keywayUrl, typeCode } from './helpers.js';

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(8000);
});

const freshEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** The wizard's "You are signed in" step counts down before it sends the browser back to the callback. */
async function backOnDemo(page: Page): Promise<void> {
  await page.waitForURL(/\/demo\/#signin$/, { timeout: 15_000 });
}

/** The 6-digit code Keyway mailed to the address, read from the demo inbox as the demo page does. */
async function mailedCode(request: APIRequestContext, to: string): Promise<string> {
  let code = '';
  await expect
    .poll(async () => {
      const { mails } = (await (await request.get(`${keywayUrl()}/demo/api/inbox`)).json()) as { mails: { to: string; text: string }[] };
      code = /\b(\d{6})\b/.exec(mails.find((mail) => mail.to.includes(to))?.text ?? '')?.[1] ?? '';
      return code;
    })
    .toMatch(/^\d{6}$/);
  return code;
}

test('the demo signs a user in with a login URL, verifies the access token, refreshes and signs out', async ({ page }) => {
  const email = freshEmail('login-url');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Get a login URL' }).click();
  await expect(page.locator('#login-url-text')).toContainText('/login?code=');
  await page.getByRole('button', { name: 'Open it' }).click();

  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await backOnDemo(page);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText(email);
  await expect(panel).toContainText('verified against the JWKS ✓');
  await expect(panel).toContainText('"typ":"at+jwt"');
  // The browser is shown a prefix of the token, never the token.
  await expect(panel).toContainText(/eyJ[\w-]{13}…/);
  const claims = panel.locator('pre').first();
  const before = await claims.textContent();
  expect(before).toContain('"scope": "openid profile email"');

  await panel.getByRole('button', { name: 'Refresh' }).click();
  await expect(panel).toContainText('refreshed 1×');
  await expect(panel).toContainText('verified against the JWKS ✓');
  // A new access token: at least its jti differs.
  expect(await claims.textContent()).not.toBe(before);

  await panel.getByRole('button', { name: 'Sign out' }).click();
  await expect(panel).toHaveText('Nobody is signed in.');
  await page.reload();
  await expect(panel).toHaveText('Nobody is signed in.');
});

test('the demo signs a user in with OpenID Connect and the code Keyway mailed to the demo inbox', async ({ page }) => {
  const email = freshEmail('oidc');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in with email (OpenID Connect)' }).click();

  await page.waitForURL(/\/login\?code=/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('group', { name: 'Verification code' })).toBeVisible();
  await typeCode(page, await mailedCode(page.request, email));

  await backOnDemo(page);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText(email);
  await expect(panel).toContainText('via OpenID Connect');
  await expect(panel).toContainText('verified against the JWKS ✓');
  await expect(panel.getByRole('heading', { name: 'ID token claims' })).toBeVisible();
  await panel.getByRole('button', { name: 'Sign out' }).click();
  await expect(panel).toHaveText('Nobody is signed in.');
});

test('a callback whose state this browser did not start is refused and shown, and a form post is not JSON', async ({ page }) => {
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByRole('button', { name: 'Get a login URL' }).click();
  await expect(page.locator('#login-url-text')).toContainText('/login?code=');
  await page.goto(`${keywayUrl()}/demo/auth/callback?code=forged&state=forged&iss=${encodeURIComponent(keywayUrl())}`);
  await backOnDemo(page);
  await expect(page.locator('#signed-in').getByRole('alert')).toContainText('The state matches no sign-in');
  await expect(page.locator('#signed-in')).toContainText('Nobody is signed in.');
  // What a cross-site form could send, with the cookie: refused.
  const formPost = await page.request.post(`${keywayUrl()}/demo/api/signin/logout`, { form: { any: 'thing' } });
  expect(formPost.status()).toBe(415);
});
