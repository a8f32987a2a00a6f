import type { Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { createLink, currentTotp, keywayUrl, signInToDemo, typeCode } from './helpers.js';
import { startDirectHostApp } from './direct-host-app.js';

/**
 * `<keyway-wizard api-base="…">` in a host page's own DOM, on another origin than Keyway: the flow
 * API answers CORS for the origins registered on the link, and for no other.
 */
let server: Server;
let registered: string;
let unregistered: string;

test.beforeAll(async () => {
  const app = await startDirectHostApp(keywayUrl());
  server = app.server;
  registered = `http://localhost:${app.port}`;
  unregistered = `http://127.0.0.1:${app.port}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function directLink(request: Parameters<typeof createLink>[0], name: string): Promise<string> {
  const url = await createLink(request, name, {
    origins: [registered],
    success_redirect_url: `${registered}/done?result=success`,
    failure_redirect_url: `${registered}/done?result=failure`,
  });
  return url.split('/connect/')[1] as string;
}

/** The `Access-Control-Allow-Origin` of each flow API answer the page received. */
function recordCors(page: Page): string[] {
  const seen: string[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/v1/flows')) seen.push(response.headers()['access-control-allow-origin'] ?? '(none)');
  });
  return seen;
}

test('the element in a host page on a registered origin completes a demo flow (credentials and TOTP)', async ({ page, request }) => {
  page.setDefaultTimeout(5000);
  const link = await directLink(request, 'direct-1');
  const cors = recordCors(page);
  await page.goto(`${registered}/direct.html?link=${link}`);
  await expect(page.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
  expect(page.frames()).toHaveLength(1);
  expect(await page.locator('main > keyway-wizard').count()).toBe(1);

  await signInToDemo(page);
  await typeCode(page, currentTotp());
  await expect(page.getByRole('heading', { name: 'Account connected' })).toBeVisible();

  const events = await page.evaluate(() => (window as unknown as { keywayDirect: { events: { type: string; detail: Record<string, unknown> | null }[] } }).keywayDirect.events);
  expect(events.find((event) => event.type === 'keyway-success')?.detail).toMatchObject({ provider: 'DEMO' });
  expect(cors.length).toBeGreaterThanOrEqual(4);
  expect(new Set(cors)).toEqual(new Set([registered]));
});

test('the element on an unregistered origin is refused: the wizard says so, Keyway answers no CORS and the link stays unused', async ({ page, request }) => {
  page.setDefaultTimeout(5000);
  const link = await directLink(request, 'direct-2');
  const failed: string[] = [];
  page.on('requestfailed', (failure) => failed.push(new URL(failure.url()).pathname));
  await page.goto(`${unregistered}/direct.html?link=${link}`);
  await expect(page.getByText('We could not reach the server.')).toBeVisible();
  expect(failed).toContain('/api/v1/flows');

  // What the browser was told, asked the same way.
  const preflight = await request.fetch(`${keywayUrl()}/api/v1/flows?link=${link}`, {
    method: 'OPTIONS',
    headers: { origin: unregistered, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(preflight.status()).toBe(403);
  expect(preflight.headers()['access-control-allow-origin']).toBeUndefined();
  expect(preflight.headers()['access-control-allow-credentials']).toBeUndefined();

  // The registered origin can still open the link: nothing was used up.
  await page.goto(`${registered}/direct.html?link=${link}`);
  await expect(page.getByRole('button', { name: /Demo provider/ })).toBeVisible();
});
