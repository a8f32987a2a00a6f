/**
 * `keyway/testing/playwright`: drives the wizard the way a user does, through each demo provider.
 * Works on the hosted page, a popup, or the frame the embed SDK shows (pass its FrameLocator).
 */
import type { FrameLocator, Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_USERNAME, demoTotpCode } from './index.js';

export interface ConnectDemoOptions {
  /** `credentials`: the demo provider (username, password, TOTP); `qr`: WhatsApp's demo pairing, confirmed on a second page playing the phone. */
  via: 'credentials' | 'qr';
  /** `qr` only: Keyway's URL, where the phone types the pairing code; default the wizard page's origin. */
  keywayUrl?: string;
  /** How long each step may take. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * From the providers step to "Account connected". Resolves once the wizard shows the success step;
 * what happens next (the redirect, the SDK's result, the webhook) is the test's to check.
 */
export async function connectDemoAccount(wizard: Page | FrameLocator, options: ConnectDemoOptions): Promise<void> {
  const timeout = options.timeoutMs ?? 5000;
  if (options.via === 'credentials') {
    await wizard.getByRole('button', { name: /Demo provider/ }).click({ timeout });
    await wizard.getByLabel('Username', { exact: true }).fill(DEMO_USERNAME, { timeout });
    await wizard.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD, { timeout });
    await wizard.getByRole('button', { name: 'Connect' }).click({ timeout });
    const digits = wizard.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: /^Digit 1 of / });
    await digits.click({ timeout });
    // Typed digit by digit: the wizard sends the code after the last one.
    await digits.page().keyboard.type(demoTotpCode());
  } else {
    await wizard.getByRole('button', { name: /WhatsApp/ }).click({ timeout });
    const code = await wizard.locator('keyway-qr').getByText(/^[A-Z0-9]{4}[ -][A-Z0-9]{4}$/).textContent({ timeout });
    const page = pageOf(wizard);
    const keywayUrl = options.keywayUrl ?? new URL(page.url()).origin;
    const phone = await page.context().newPage();
    try {
      await phone.goto(`${keywayUrl}/pair`, { timeout });
      await phone.getByLabel('Pairing code').fill(code ?? '', { timeout });
      await phone.getByRole('button', { name: 'Continue' }).click({ timeout });
      await phone.getByRole('button', { name: 'Confirm' }).click({ timeout });
      await phone.getByText('WhatsApp is connected').waitFor({ timeout });
    } finally {
      await phone.close();
    }
  }
  // The QR step moves on by itself once the phone confirms (server-sent events).
  await wizard.getByRole('heading', { name: 'Account connected' }).waitFor({ timeout });
}

function pageOf(wizard: Page | FrameLocator): Page {
  return 'context' in wizard ? wizard : wizard.owner().page();
}
