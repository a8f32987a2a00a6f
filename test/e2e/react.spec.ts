import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import { DEMO_PASSWORD, DEMO_USERNAME, demoTotpCode, startKeyway, type TestKeyway } from '../../src/testing/index.js';
import { connectDemoAccount } from '../../src/testing/playwright.js';
import type { RecordedEvent } from './react/react-app.js';
import { startReactHostApp } from './react/react-host-app.js';

/**
 * keyway/react in a React app on another origin: the page is rendered on the server with react-dom/server, hydrated in
 * Chromium, the wizard's module loaded from Keyway; real demo flows make the real elements fire their events, and the
 * wrappers' typed `onKeyway…` props receive them.
 */
let keyway: TestKeyway;
let host: { origin: string; server: Server };

test.beforeAll(async () => {
  keyway = await startKeyway();
  host = await startReactHostApp(keyway.url);
});

test.afterAll(async () => {
  host.server.close();
  await keyway.close();
});

async function linkUrl(): Promise<string> {
  const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keyway.apiKey },
    body: JSON.stringify({ type: 'create', providers: ['DEMO'], api_url: keyway.url, expiresOn: new Date(Date.now() + 600_000).toISOString(), origins: [host.origin] }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { url: string }).url;
}

const tokenOf = (url: string) => new URL(url).pathname.split('/').pop() ?? '';

/** Opens the app; the returned list collects its console errors (a hydration mismatch is one), which every test expects empty. */
async function openApp(page: Page, query: Record<string, string>): Promise<string[]> {
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${host.origin}/?${new URLSearchParams(query)}`);
  return errors;
}

const recorded = (page: Page) => page.evaluate(() => (globalThis as { keywayReact?: RecordedEvent[] }).keywayReact ?? []);

test('the server-rendered <keyway-wizard> hydrates, and a demo flow reaches onKeywayStep and onKeywaySuccess', async ({ page }) => {
  const response = await fetch(`${host.origin}/?link=${tokenOf(await linkUrl())}`);
  const serverHtml = await response.text();
  expect(serverHtml).toMatch(/<keyway-wizard link="[^"]+" api-base="http:\/\/127\.0\.0\.1:\d+" redirect-delay="60000" class="wizard"><\/keyway-wizard>/);

  const errors = await openApp(page, { link: tokenOf(await linkUrl()) });
  await connectDemoAccount(page, { via: 'credentials' });
  await expect(page.getByRole('status', { name: 'Wizard outcome' })).toHaveText(/^Wizard: connected DEMO account \S+$/);

  const events = await recorded(page);
  const steps = events.filter((event) => event.prop === 'onKeywayStep').map((event) => (event.detail as { kind: string }).kind);
  expect(steps).toEqual(['providers', 'credentials', 'mfa', 'success']);
  const success = events.filter((event) => event.prop === 'onKeywaySuccess');
  expect(success).toEqual([{ prop: 'onKeywaySuccess', type: 'keyway-success', detail: { flowId: expect.any(String), accountId: expect.any(String), provider: 'DEMO' } }]);
  expect(errors).toEqual([]);
});

test('cancelling in the wizard reaches onKeywayFailure (user_cancelled) and onKeywayExit', async ({ page }) => {
  const errors = await openApp(page, { link: tokenOf(await linkUrl()) });
  await page.getByRole('button', { name: /Demo provider/ }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status', { name: 'Wizard outcome' })).toHaveText('Wizard: failed with user_cancelled');
  await expect.poll(async () => (await recorded(page)).map((event) => event.prop).filter((prop) => prop !== 'onKeywayStep')).toEqual(['onKeywayFailure', 'onKeywayExit']);
  const [failure, exit] = (await recorded(page)).filter((event) => event.prop !== 'onKeywayStep');
  expect(failure?.detail).toMatchObject({ reason: 'user_cancelled', message: expect.any(String) });
  expect(exit?.detail).toEqual({ flowId: (failure?.detail as { flowId: string }).flowId });
  expect(errors).toEqual([]);
});

test('<KeywayConnect> opens its modal and reports the flow through onKeywayEvent and onKeywaySuccess', async ({ page }) => {
  const errors = await openApp(page, { connect: await linkUrl() });
  await page.getByRole('button', { name: 'Add an account' }).click();
  // By hand rather than with connectDemoAccount: the SDK removes the modal at success, before "Account connected" can be seen.
  const wizard = page.frameLocator('iframe');
  await wizard.getByRole('button', { name: /Demo provider/ }).click();
  await wizard.getByLabel('Username', { exact: true }).fill(DEMO_USERNAME);
  await wizard.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await wizard.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: /^Digit 1 of / }).click();
  await page.keyboard.type(demoTotpCode());
  await expect(page.getByRole('status', { name: 'Button outcome' })).toHaveText('Button: success DEMO');
  const events = await recorded(page);
  const types = events.filter((event) => event.prop === 'onKeywayEvent').map((event) => (event.detail as { type: string }).type);
  expect(types).toEqual(expect.arrayContaining(['ready', 'step', 'success']));
  expect(events.filter((event) => event.prop === 'onKeywaySuccess')).toEqual([{ prop: 'onKeywaySuccess', type: 'keyway-success', detail: { status: 'success', accountId: expect.any(String), provider: 'DEMO' } }]);
  expect(errors).toEqual([]);
});

test('<KeywayConnect> closed with Escape reaches onKeywayExit', async ({ page }) => {
  const errors = await openApp(page, { connect: await linkUrl() });
  await page.getByRole('button', { name: 'Add an account' }).click();
  await expect(page.frameLocator('iframe').getByRole('button', { name: /Demo provider/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('status', { name: 'Button outcome' })).toHaveText('Button: exit');
  expect((await recorded(page)).filter((event) => event.prop === 'onKeywayExit').map((event) => event.detail)).toEqual([{ status: 'exit' }]);
  expect(errors).toEqual([]);
});
