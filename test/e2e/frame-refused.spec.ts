import type { Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { createLink, keywayUrl } from './helpers.js';
import { startDirectHostApp } from './direct-host-app.js';

/**
 * The embed SDK's `open()` on a page that cannot show Keyway's iframe: refused by the page's own CSP
 * (`frame-src` without Keyway) or by Keyway's `frame-ancestors` (the page's origin is not on the
 * link). Neither fires an event the page sees; the ready timeout resolves `frame_refused`.
 */
let server: Server;
let hostApp: string;

test.beforeAll(async () => {
  const app = await startDirectHostApp(keywayUrl());
  server = app.server;
  hostApp = `http://localhost:${app.port}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Settled {
  status: string;
  reason?: string;
  elapsedMs: number;
  framesLeft: number;
}

async function openOn(page: Page, query: Record<string, string>): Promise<Settled> {
  page.setDefaultTimeout(5000);
  await page.goto(`${hostApp}/frame.html?${new URLSearchParams(query)}`);
  await page.getByRole('button', { name: 'Connect an account' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { keywayResult?: Settled }).keywayResult), { timeout: 8000 }).toBeTruthy();
  return page.evaluate(() => (window as unknown as { keywayResult: Settled }).keywayResult);
}

test('a modal refused by the page’s frame-src resolves failure frame_refused within the timeout, and the dialog is gone', async ({ page, request }) => {
  const link = await createLink(request, 'refused-by-csp', { origins: [hostApp] });
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/frame-src/.test(message.text())) refusals.push(message.text());
  });
  const result = await openOn(page, { link, mode: 'modal', frames: 'self', timeout: '1500' });
  expect(result).toMatchObject({ status: 'failure', reason: 'frame_refused', framesLeft: 0 });
  expect(result.elapsedMs).toBeGreaterThanOrEqual(1500);
  expect(result.elapsedMs).toBeLessThan(4000);
  expect(refusals.length, 'the browser did refuse the frame').toBeGreaterThan(0);
});

test('an inline frame refused by Keyway’s frame-ancestors (origin not on the link) resolves frame_refused and is removed', async ({ page, request }) => {
  const link = await createLink(request, 'refused-by-ancestors', { origins: ['https://elsewhere.example'] });
  const result = await openOn(page, { link, mode: 'inline', timeout: '1500' });
  expect(result).toMatchObject({ status: 'failure', reason: 'frame_refused', framesLeft: 0 });
  expect(result.elapsedMs).toBeLessThan(4000);
});

test('a frame the page and Keyway allow is not cut short by the timeout', async ({ page, request }) => {
  const link = await createLink(request, 'allowed-frame', { origins: [hostApp] });
  page.setDefaultTimeout(5000);
  await page.goto(`${hostApp}/frame.html?${new URLSearchParams({ link, mode: 'inline', timeout: '1500' })}`);
  await page.getByRole('button', { name: 'Connect an account' }).click();
  const wizard = page.frameLocator('iframe[title="Connect an account"]');
  await expect(wizard.getByRole('button', { name: /Demo provider/ })).toBeVisible();
  await page.waitForTimeout(2000);
  expect(await page.evaluate(() => (window as unknown as { keywayResult?: unknown }).keywayResult)).toBeUndefined();
  await expect(wizard.getByRole('button', { name: /Demo provider/ })).toBeVisible();
});
