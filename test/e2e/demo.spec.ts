import { expect, test } from '@playwright/test';
import { currentTotp, keywayUrl } from './helpers.js';

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(8000);
});

test('the demo app connects the demo account in a modal and shows the message log and the verified webhook', async ({ page }) => {
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Mode').selectOption('modal');
  await page.getByLabel('Providers').selectOption('DEMO');
  const connect = page.getByRole('button', { name: 'Connect an account' });
  await expect(connect).toBeEnabled();
  await connect.click();
  const wizard = page.frameLocator('keyway-modal iframe');
  await wizard.getByRole('button', { name: /Demo provider/ }).click();
  await wizard.getByLabel('Username', { exact: true }).fill('demo');
  await wizard.getByLabel('Password', { exact: true }).fill('demo');
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await wizard.getByRole('textbox', { name: /^Digit 1 of / }).click();
  await page.keyboard.type(currentTotp());
  await expect(page.getByRole('status').filter({ hasText: 'Connected DEMO' })).toBeVisible();
  await expect(page.locator('#events')).toContainText('success');
  await expect(page.locator('#webhooks')).toContainText('signature valid');
  await expect(page.locator('#webhooks')).toContainText('CREATION_SUCCESS');
});

test('the demo’s phone view pairs WhatsApp with the code typed under the QR', async ({ page }) => {
  await page.goto(`${keywayUrl()}/demo/`);
  await page.getByLabel('Providers').selectOption('WHATSAPP');
  await page.getByLabel('Mode').selectOption('inline');
  const connect = page.getByRole('button', { name: 'Connect an account' });
  await expect(connect).toBeEnabled();
  await connect.click();
  const wizard = page.frameLocator('#inline iframe');
  await wizard.getByRole('button', { name: /WhatsApp/ }).click();
  const code = (await wizard.locator('keyway-qr').getByText(/^[A-Z0-9]{4}[ -][A-Z0-9]{4}$/).textContent()) ?? '';
  const phone = page.frameLocator('iframe.phone');
  await phone.getByLabel('Pairing code').fill(code);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await phone.getByRole('button', { name: 'Confirm' }).click();
  await expect(phone.getByText('WhatsApp is connected')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Connected WHATSAPP' })).toBeVisible();
});
