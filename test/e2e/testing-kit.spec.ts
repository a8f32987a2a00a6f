import { expect, test } from '@playwright/test';
import { startKeyway, type TestKeyway } from '../../src/testing/index.js';
import { connectDemoAccount } from '../../src/testing/playwright.js';

/** keyway/testing as an integrator uses it: its own Keyway in the test process, the wizard driven by the kit. */
let keyway: TestKeyway;

test.beforeAll(async () => {
  keyway = await startKeyway();
});

test.afterAll(() => keyway.close());

async function linkFor(providers: string[]): Promise<string> {
  const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keyway.apiKey },
    body: JSON.stringify({ type: 'create', providers, api_url: keyway.url, expiresOn: new Date(Date.now() + 600_000).toISOString(), success_redirect_url: `${keyway.url}/healthz` }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { url: string }).url;
}

async function accounts(): Promise<{ provider: string }[]> {
  const response = await fetch(`${keyway.url}/api/v1/accounts`, { headers: { 'x-api-key': keyway.apiKey } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: { provider: string }[] }).items;
}

for (const [via, provider, providerId] of [['credentials', 'DEMO', 'DEMO'], ['qr', 'WHATSAPP', 'WHATSAPP']] as const) {
  test(`connectDemoAccount via ${via} lands on "Account connected" and the account exists`, async ({ page }) => {
    page.setDefaultTimeout(5000);
    const before = (await accounts()).filter((account) => account.provider === providerId).length;
    await page.goto(await linkFor([provider]));
    await connectDemoAccount(page, { via });
    await expect(page.getByRole('heading', { name: 'Account connected' })).toBeVisible();
    expect((await accounts()).filter((account) => account.provider === providerId)).toHaveLength(before + 1);
  });
}
