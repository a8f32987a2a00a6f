import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import {
  createLink,
  currentTotp,
  firstCodeBox,
  hostMessages,
  hostOrigin,
  openAsPopup,
  pasteCode,
  receivedHooks,
  signInToDemo,
  typeCode,
  webhookSecret,
} from './helpers.js';

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(5000);
});

test('a seed-003 link opened as a popup connects the demo account: redirect, host message, signed webhook', async ({ page, request }) => {
  const name = `user-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name));
  const violations: string[] = [];
  wizard.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
  });

  await expect(wizard.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
  const axe = await new AxeBuilder({ page: wizard }).analyze();
  expect(axe.violations.map((violation) => violation.id)).toEqual([]);

  await signInToDemo(wizard);
  // Pasting spreads the code over the boxes, and the last digit sends it: no Verify click needed.
  await pasteCode(wizard, currentTotp());
  await expect(wizard.getByRole('heading', { name: 'Account connected' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Continue now' }).click();
  await wizard.waitForURL(`${hostOrigin()}/done?result=success&account_id=*`);
  const accountId = new URL(wizard.url()).searchParams.get('account_id');
  expect(accountId).toMatch(/^[0-9a-f-]{36}$/);

  const messages = await hostMessages(page);
  expect(messages.map((message) => message.type)).toEqual(['ready', 'step', 'step', 'step', 'step', 'success']);
  const success = messages.at(-1);
  expect(success).toMatchObject({ keyway: 1, type: 'success', data: { accountId, provider: 'DEMO' } });
  expect(await page.evaluate(() => (window as unknown as { foreignMessages: unknown[] }).foreignMessages)).toEqual([]);

  await expect.poll(async () => (await receivedHooks(request)).filter((hook) => hook.body.includes(name)).length).toBe(1);
  const hook = (await receivedHooks(request)).find((candidate) => candidate.body.includes(name));
  const event = JSON.parse(hook?.body ?? '{}') as Record<string, unknown>;
  expect(event).toMatchObject({ status: 'CREATION_SUCCESS', account_id: accountId, name, provider: 'DEMO' });
  expect(verifyWebhook(webhookSecret(), hook?.body ?? '', hook?.headers['keyway-signature'])).toEqual({ valid: true });
  expect(violations).toEqual([]);
});

test('three wrong codes lock the challenge: failure step, failure redirect, failure message and webhook', async ({ page, request }) => {
  const name = `locked-${Date.now()}`;
  const wizard = await openAsPopup(page, await createLink(request, name));
  await signInToDemo(wizard);
  const wrong = currentTotp() === '000000' ? '111111' : '000000';
  await typeCode(wizard, wrong);
  for (const left of ['2 attempts left', '1 attempt left']) {
    await expect(wizard.getByText(left)).toBeVisible();
    await expect(wizard.getByRole('alert').filter({ hasText: 'That code did not work' })).toBeVisible();
    await expect(wizard.getByRole('group', { name: 'Verification code' })).toHaveAccessibleDescription(`That code did not work. Check it and try again. ${left}`);
    // The wrong code is cleared and the first box focused, so the next code is typed straight away.
    await expect(firstCodeBox(wizard)).toBeFocused();
    await expect(firstCodeBox(wizard)).toHaveValue('');
    await wizard.keyboard.type(wrong);
  }
  await expect(wizard.getByRole('heading', { name: 'Too many wrong codes' })).toBeVisible();
  await wizard.waitForURL(`${hostOrigin()}/done?result=failure&reason=mfa_locked`, { timeout: 8000 });

  const failure = (await hostMessages(page)).at(-1);
  expect(failure).toMatchObject({ keyway: 1, type: 'failure', data: { reason: 'mfa_locked' } });
  await expect.poll(async () => (await receivedHooks(request)).filter((hook) => hook.body.includes(name)).length).toBe(1);
  const hook = (await receivedHooks(request)).find((candidate) => candidate.body.includes(name));
  expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ status: 'CREATION_FAILED', reason: 'mfa_locked', account_id: null, name });
});

test('cancelling sends the user to the failure URL with user_cancelled', async ({ page, request }) => {
  const wizard = await openAsPopup(page, await createLink(request, `cancel-${Date.now()}`));
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard.getByRole('heading', { name: 'Connection cancelled' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Continue now' }).click();
  await wizard.waitForURL(`${hostOrigin()}/done?result=failure&reason=user_cancelled`);
  const types = (await hostMessages(page)).map((message) => message.type);
  expect(types).toContain('exit');
  expect(types).toContain('failure');
});

test('a used link cannot be opened again in another browser', async ({ browser, request }) => {
  const link = await createLink(request, `reuse-${Date.now()}`);
  const first = await browser.newPage();
  await first.goto(link);
  await expect(first.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
  const second = await browser.newPage();
  await second.goto(link);
  await expect(second.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  // The first tab keeps its flow across a reload (flow token in sessionStorage).
  await first.reload();
  await expect(first.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
  await first.close();
  await second.close();
});

test('a reconnect link walks the user through the same provider and updates the same account', async ({ page, request }) => {
  const name = `reconnect-${Date.now()}`;
  const first = await openAsPopup(page, await createLink(request, name));
  await signInToDemo(first);
  await typeCode(first, currentTotp());
  await expect(first.getByRole('heading', { name: 'Account connected' })).toBeVisible();
  const accountId = ((await hostMessages(page)).at(-1)?.data as { accountId: string }).accountId;
  await first.close();

  const again = await openAsPopup(page, await createLink(request, name, { type: 'reconnect', reconnect_account: accountId, providers: '*' }));
  await expect(again.getByRole('button', { name: /Demo provider/ })).toBeVisible();
  await expect(again.getByRole('button', { name: /WhatsApp/ })).toHaveCount(0);
  await signInToDemo(again);
  await typeCode(again, currentTotp());
  await again.getByRole('button', { name: 'Continue now' }).click();
  await again.waitForURL(`${hostOrigin()}/done?result=success&account_id=${accountId}`);
  await expect.poll(async () => (await receivedHooks(request)).some((hook) => hook.body.includes('RECONNECTED') && hook.body.includes(accountId))).toBe(true);
});
