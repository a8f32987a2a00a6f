import { execFileSync } from 'node:child_process';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { keywayUrl } from './helpers.js';

// Two white-label domains that Chromium resolves to this machine, as a CNAME would.
test.use({
  launchOptions: {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP acme.test 127.0.0.1, MAP globex.test 127.0.0.1'],
  },
});

/** A new tenant and its API key, made with the CLI against the running server's database. */
function tenantKey(tenant: string): string {
  const output = execFileSync('node', ['bin/keyway.js', 'keys', 'create', '--tenant', tenant], {
    env: { ...process.env, KEYWAY_DATA_DIR: process.env['KEYWAY_E2E_DATA_DIR'] },
    encoding: 'utf8',
  });
  return /^API key: (\S+)$/m.exec(output)?.[1] ?? '';
}

async function brandedLink(request: APIRequestContext, key: string, brand: Record<string, string>): Promise<URL> {
  const headers = { 'X-API-KEY': key };
  expect((await request.put(`${keywayUrl()}/api/v1/brand`, { headers, data: brand })).status()).toBe(200);
  const response = await request.post(`${keywayUrl()}/api/v1/hosted/accounts/link`, {
    headers,
    data: { type: 'create', providers: '*', api_url: keywayUrl(), expiresOn: new Date(Date.now() + 600_000).toISOString() },
  });
  return new URL(((await response.json()) as { url: string }).url);
}

test('two tenants’ wizards wear their own brands on their own domains, and neither serves the other’s link', async ({ page, request }) => {
  const port = new URL(keywayUrl()).port;
  const suffix = Date.now();
  const acme = await brandedLink(request, tenantKey(`acme-${suffix}`), { domain: `acme.test:${port}`, name: 'Acme Connect', primaryColor: '#aa3300' });
  const globex = await brandedLink(request, tenantKey(`globex-${suffix}`), { domain: `globex.test:${port}`, name: 'Globex Accounts', primaryColor: '#0055aa' });
  expect(acme.host).toBe(`acme.test:${port}`);
  expect(globex.host).toBe(`globex.test:${port}`);

  for (const [link, name, colour] of [[acme, 'Acme Connect', '#aa3300'], [globex, 'Globex Accounts', '#0055aa']] as const) {
    await page.goto(link.href);
    await expect(page.locator('keyway-wizard').getByText(name, { exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    // The brand only sets theme tokens.
    const primary = await page.locator('keyway-wizard').evaluate((wizard) => getComputedStyle(wizard).getPropertyValue('--keyway-color-primary').trim());
    expect(primary.toLowerCase()).toBe(colour);
  }

  const acmeOnGlobex = new URL(acme.pathname, `http://globex.test:${port}`);
  await page.goto(acmeOnGlobex.href);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
});
