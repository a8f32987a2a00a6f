import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { keywayUrl } from './helpers.js';

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(8000);
});

const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

/** The agent's form on the demo page: one listing mailed to `email` through Keyway's messages API. */
async function sendListing(page: Page, email: string, subject: string): Promise<void> {
  await page.goto(`${keywayUrl()}/demo/`);
  const form = page.locator('#message-form');
  await form.getByLabel('Client’s address').fill(email);
  await form.getByLabel('Subject').fill(subject);
  await form.getByLabel('Listing').selectOption({ label: '12 Harbour Lane, Lakeview' });
  await expect(form.getByLabel('Link in the mail')).toHaveValue(`${keywayUrl()}/demo/listings/C9231328?ref=mail#photos`);
  await form.getByRole('button', { name: 'Send the listing' }).click();
  const sent = page.locator('#message-sent');
  await expect(sent).toContainText(new RegExp(`Message id${UUID_V4}`));
  await expect(sent.locator('.delivery')).toHaveText('sent');
}

test('a listing mailed through the demo signs its client in from the mail’s link once; the link still identifies them after', async ({ page, context }) => {
  const email = `client-${randomUUID().slice(0, 8)}@example.com`;
  const subject = `A house for ${email}`;
  await sendListing(page, email, subject);

  // The mail as the client sees it: Keyway's HTML, in a frame that runs nothing.
  const mail = page.locator('#inbox .mail', { hasText: subject });
  const frameElement = mail.locator('iframe');
  await frameElement.scrollIntoViewIfNeeded();
  const sandbox = (await frameElement.getAttribute('sandbox')) ?? '';
  expect(sandbox).not.toContain('allow-scripts');
  expect(sandbox).not.toContain('allow-same-origin');
  const mailPage = await page.request.get(new URL((await frameElement.getAttribute('src')) as string, keywayUrl()).href);
  expect(mailPage.headers()['content-security-policy']).toMatch(/default-src 'none';.*sandbox/);
  const mailFrame = mail.frameLocator('iframe');
  await expect(mailFrame.getByRole('heading', { name: subject })).toBeVisible();
  const link = mailFrame.getByRole('link', { name: /\/demo\/listings\/C9231328/ });
  const href = (await link.getAttribute('href')) as string;
  // Keyway's token went into the query next to the link's own, and the fragment stayed.
  const written = new RegExp(`^${keywayUrl().replace(/\./g, '\\.')}/demo/listings/C9231328\\?ref=mail&token=(${UUID_V4})#photos$`);
  expect(href).toMatch(written);
  const token = written.exec(href)?.[1] as string;

  const [listing] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await listing.waitForLoadState();
  expect(listing.url()).toBe(href);
  listing.setDefaultTimeout(8000);
  await expect(listing.getByRole('heading', { name: `Hello ${email}` })).toBeVisible();
  await expect(listing.getByRole('heading', { name: '12 Harbour Lane' })).toBeVisible();

  await listing.getByRole('button', { name: `Sign in as ${email}` }).click();
  await listing.waitForURL(`${keywayUrl()}/login/?message_token=${token}`);
  await expect(listing.getByText(/Continue as c•••@example\.com/)).toBeVisible();
  await listing.getByRole('button', { name: 'Continue', exact: true }).click();
  // The wizard's success step counts down before it sends the browser to the demo's callback.
  await listing.waitForURL(/\/demo\/#signin$/, { timeout: 15_000 });
  const panel = listing.locator('#signed-in');
  await expect(panel).toContainText(email);
  await expect(panel).toContainText('via message token');
  await expect(panel).toContainText('verified against the JWKS ✓');
  await listing.close();

  // The same mail's link again: still recognised, but it signs no one in a second time.
  const [again] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await again.waitForLoadState();
  await expect(again.getByRole('heading', { name: `Hello ${email}` })).toBeVisible();
  await expect(again.getByRole('alert')).toContainText(`This link already signed ${email} in once`);
  await expect(again.getByRole('button', { name: /Sign in as/ })).toHaveCount(0);
  // Keyway agrees, whatever the page offers.
  const hosted = await again.request.get(`${keywayUrl()}/login/?message_token=${token}`);
  expect(hosted.status()).toBe(409);
  expect(await hosted.text()).toContain('The message token has already been used to sign in.');
});

test('a listing link with an unknown or malformed token says it is not recognised; without a token the listing is shown to nobody in particular', async ({ page }) => {
  const base = `${keywayUrl()}/demo/listings/C9231328?ref=mail`;
  const unknown = await page.goto(`${base}&token=${randomUUID()}#photos`);
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This link is not recognised' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('names no message');

  const malformed = await page.goto(`${base}&token=%3Cb%3Enot-a-token%3C%2Fb%3E`);
  expect(malformed?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'This link is not recognised' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('not a UUID');
  await page.getByRole('link', { name: 'See 12 Harbour Lane without signing in' }).click();
  await expect(page.getByText('Opened without a mail’s link')).toBeVisible();
  await expect(page.getByRole('button', { name: /Sign in as/ })).toHaveCount(0);

  const noListing = await page.goto(`${keywayUrl()}/demo/listings/NOPE123?token=${randomUUID()}`);
  expect(noListing?.status()).toBe(404);
});

test('the agent’s form mails only the demo’s own listing pages, and says why it refused', async ({ page }) => {
  await page.goto(`${keywayUrl()}/demo/`);
  const form = page.locator('#message-form');
  await form.getByLabel('Link in the mail').fill('https://elsewhere.example/demo/listings/C9231328');
  await form.getByRole('button', { name: 'Send the listing' }).click();
  await expect(page.locator('#message-status')).toContainText('Not sent: The link must be one of this demo’s listing pages');
  // What another site's page could send with the visitor's cookie: refused.
  const crossSite = await page.request.post(`${keywayUrl()}/demo/api/messages/signin`, { data: { token: randomUUID() }, headers: { origin: 'https://elsewhere.example' } });
  expect(crossSite.status()).toBe(403);
});
