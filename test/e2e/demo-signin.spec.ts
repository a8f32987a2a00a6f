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

const PASSWORD = 'tangerine kayak orbit 7';

async function signInWithPassword(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in with password' }).click();
}

test('the demo sets a password (the policy is shown) and signs in with the password grant', async ({ page }) => {
  const email = freshEmail('password');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Set this password' }).click();
  await expect(page.locator('#signin-status')).toContainText('Password refused');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set this password' }).click();
  await expect(page.locator('#signin-status')).toContainText(`Password set for ${email}`);

  await signInWithPassword(page, email);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText(email);
  await expect(panel).toContainText('via password');
  await expect(panel).toContainText('verified against the JWKS ✓');
  await expect(panel).toContainText(/eyJ[\w-]{13}…/);
});

test('the demo sets MFA up with the demo authenticator; the next sign-in is MFA required until validated, and MFA is removed', async ({ page }) => {
  const email = freshEmail('mfa');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set this password' }).click();
  await expect(page.locator('#signin-status')).toContainText('Password set');
  await signInWithPassword(page, email);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText(email);

  await panel.getByRole('button', { name: 'Set up MFA' }).click();
  const mfa = page.locator('#mfa');
  await expect(mfa.getByRole('img')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(mfa).toContainText(/Secret: [A-Z2-7]{32}/);
  await expect(mfa).toContainText(/Demo authenticator: \d{6}/);
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await expect(mfa).toContainText('Recovery codes, shown this once');
  await expect(mfa.getByRole('listitem')).toHaveCount(10);
  await expect(panel.getByRole('button', { name: 'Remove MFA' })).toBeVisible();

  await signInWithPassword(page, email);
  await expect(panel).toContainText('MFA required: validate');
  await expect(panel).not.toContainText(email);
  await panel.getByRole('button', { name: 'Validate with the demo authenticator' }).click();
  await expect(panel).toContainText(email);

  // Keyway takes each 30 s step's code once, so removing may have to wait for the next step: at most about 30 s.
  test.setTimeout(75_000);
  await expect(async () => {
    const remove = panel.getByRole('button', { name: 'Remove MFA' });
    if (await remove.isVisible()) await remove.click();
    await expect(panel.getByRole('button', { name: 'Set up MFA' })).toBeVisible({ timeout: 1000 });
  }).toPass({ intervals: [2000], timeout: 45_000 });
});

test('the demo mints a user token and the login lands back on the demo, signed in', async ({ page }) => {
  const email = freshEmail('user-token');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in with a user token (seed 002)' }).click();
  await page.waitForURL(/\/login\/\?token=/);
  await backOnDemo(page);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText(email);
  await expect(panel).toContainText('via user token');
  await expect(panel).toContainText('verified against the JWKS ✓');
  // The one stateless callback it allowed is used up: a replayed one is refused.
  await page.goto(`${keywayUrl()}/demo/auth/callback?code=forged&iss=${encodeURIComponent(keywayUrl())}`);
  await backOnDemo(page);
  await expect(panel.getByRole('alert')).toContainText('started no user-token sign-in');
});

test('user token login with onboarding: the wizard asks for the profile first, optional parts skipped, then back on the demo, signed in', async ({ page }) => {
  const email = freshEmail('onboarding');
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'User token login with onboarding' }).click();
  await page.waitForURL(/\/login\/\?token=.*openOnboarding=true/);
  await expect(page.getByRole('heading', { name: 'Complete your profile' })).toBeVisible();
  await page.getByRole('textbox', { name: 'First name' }).fill('Rosalind');
  await page.getByRole('textbox', { name: 'Last name' }).fill('Franklin');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a password' })).toBeVisible();
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible();
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await backOnDemo(page);
  const panel = page.locator('#signed-in');
  await expect(panel).toContainText('Rosalind Franklin');
  await expect(panel).toContainText('via user token');
});
