/**
 * The host-page SDK (src/embed, built to dist/embed) on a host page of another origin with a strict
 * CSP (`default-src 'self'`, frames from Keyway only), against the real Keyway started by
 * global-setup. The pages live in test/e2e/host/: embed.html (ESM build, `open()`), connect.html
 * (IIFE and ESM builds, `<keyway-connect>`), forge.html (a third origin posing as the wizard).
 */
import { expect, test, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { createLink, currentTotp, hostOrigin, keywayUrl } from './helpers.js';

interface Recorded {
  keywayResult?: { status: string; [field: string]: unknown };
  keywayEvents: { keyway: number; type: string; flowId: string; data: Record<string, unknown> }[];
  keywayCallbacks: [string, unknown][];
  rawMessages: { origin: string; data: { type?: string; flowId?: string } }[];
  connectEvents: [string, unknown][];
  esmClassIsDefined: boolean;
  Keyway?: { open?: unknown };
}
const recorded = <K extends keyof Recorded>(page: Page, key: K): Promise<Recorded[K]> =>
  page.evaluate((name: keyof Recorded) => (window as unknown as Recorded)[name], key) as Promise<Recorded[K]>;

/** A page on a third origin: the host app under its other name. */
const otherSiteOrigin = () => hostOrigin().replace('//localhost:', '//127.0.0.1:');

test.beforeEach(({ page }) => {
  page.setDefaultTimeout(5000);
});

/** Records console lines about refused content (CSP) and page errors, for the host page and its frames. */
function watchForRefusals(page: Page): string[] {
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) refusals.push(message.text());
  });
  page.on('pageerror', (error) => refusals.push(`page error: ${error.message}`));
  return refusals;
}

async function openEmbedPage(page: Page, link: string, query: Record<string, string> = {}): Promise<void> {
  await page.goto(`${hostOrigin()}/embed.html?${new URLSearchParams({ link, ...query })}`);
  await page.getByRole('button', { name: 'Connect an account' }).click();
}

const wizardFrame = (page: Page): Locator => page.locator('iframe[title="Connect an account"]');

async function signInToDemo(wizard: FrameLocator | Page): Promise<void> {
  await wizard.getByRole('button', { name: /Demo provider/ }).click();
  await wizard.getByLabel('Username', { exact: true }).fill('demo');
  await wizard.getByLabel('Password', { exact: true }).fill('demo');
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await expect(wizard.getByRole('group', { name: 'Verification code' })).toBeVisible();
}

/**
 * Types the current demo code digit by digit; the wizard sends it after the last digit. In a popup,
 * the SDK closes the window as soon as the wizard reports success, which may be before the last
 * key is released.
 */
async function typeDemoCode(page: Page, wizard: FrameLocator | Page): Promise<void> {
  await wizard.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: /^Digit 1 of / }).click();
  await page.keyboard.type(currentTotp()).catch((error: unknown) => {
    if (!page.isClosed()) throw error;
  });
}

async function expectResult(page: Page, expected: Record<string, unknown>): Promise<void> {
  await expect.poll(() => recorded(page, 'keywayResult')).toEqual(expected);
}

/**
 * Where the keyboard focus is: `button` (the dialog's close button), `wizard` (inside the framed
 * wizard), `browser` (past the last element: the browser's own UI, which a modal dialog does not
 * trap), or `outside: …` (an element of the host page). The host page's `activeElement` alone is
 * not enough: with the focus in the cross-origin frame, Chromium sometimes reports `body` there.
 */
async function focusPlace(page: Page, wizard: FrameLocator): Promise<string> {
  const outer = await page.evaluate(() => {
    const active = document.activeElement;
    if (active?.localName === 'keyway-modal') return active.shadowRoot?.activeElement?.localName === 'iframe' ? 'wizard' : (active.shadowRoot?.activeElement?.localName ?? 'dialog');
    return active === document.body || !active ? 'body' : `outside: ${active.localName}#${active.id}`;
  });
  if (outer !== 'body') return outer;
  const wizardHasFocus = await wizard.locator('html').evaluate(() => document.hasFocus());
  return wizardHasFocus ? 'wizard' : 'browser';
}

test.describe('inline', () => {
  test('the iframe follows the wizard’s height, and a demo flow inside it resolves success in the host page', async ({ page, request }) => {
    const refusals = watchForRefusals(page);
    await openEmbedPage(page, await createLink(request, `inline-${Date.now()}`), { mode: 'inline' });
    const frameElement = page.locator('#wizard iframe');
    await expect(frameElement).toHaveAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox');
    await expect(frameElement).toHaveAttribute('allow', 'clipboard-write');
    await expect(frameElement).toHaveAttribute('referrerpolicy', 'no-referrer');
    const wizard = frameElement.contentFrame();
    await expect(wizard.getByRole('heading', { name: 'Connect an account' })).toBeVisible();

    const frameHeight = () => frameElement.evaluate((frame) => frame.getBoundingClientRect().height);
    const wizardHeight = () => wizard.locator('keyway-wizard').evaluate((element) => Math.ceil(element.getBoundingClientRect().height));
    const contentHeight = () => wizard.locator('html').evaluate((html) => html.scrollHeight);
    await expect.poll(async () => (await frameHeight()) - (await wizardHeight())).toBe(0);
    const providersHeight = await frameHeight();
    // The frame shows the whole step: nothing to scroll inside it.
    expect(await contentHeight()).toBeLessThanOrEqual(providersHeight);

    await wizard.getByRole('button', { name: /Demo provider/ }).click();
    await expect(wizard.getByLabel('Username', { exact: true })).toBeVisible();
    await expect.poll(async () => (await frameHeight()) - (await wizardHeight())).toBe(0);
    const credentialsHeight = await frameHeight();
    expect(credentialsHeight).toBeGreaterThan(providersHeight);
    expect(await contentHeight()).toBeLessThanOrEqual(credentialsHeight);

    await wizard.getByLabel('Username', { exact: true }).fill('demo');
    await wizard.getByLabel('Password', { exact: true }).fill('demo');
    await wizard.getByRole('button', { name: 'Connect' }).click();
    await typeDemoCode(page, wizard);

    await expect.poll(() => recorded(page, 'keywayResult')).toMatchObject({ status: 'success', provider: 'DEMO' });
    const result = await recorded(page, 'keywayResult');
    expect(result?.['accountId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await recorded(page, 'keywayCallbacks')).toEqual([['success', result]]);
    const events = await recorded(page, 'keywayEvents');
    expect(events[0]?.type).toBe('ready');
    expect(events.map((event) => event.type)).toContain('resize');
    expect(events.at(-1)).toMatchObject({ keyway: 1, type: 'success', data: { accountId: result?.['accountId'], provider: 'DEMO' } });
    // Settled: the iframe is gone.
    await expect(frameElement).toHaveCount(0);
    expect(refusals).toEqual([]);
  });
});

test.describe('modal', () => {
  test('the dialog keeps the focus: Tab cycles through the close button and the wizard, never the page', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `modal-focus-${Date.now()}`));
    const dialog = page.getByRole('dialog', { name: 'Connect an account' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
    await expect(page.locator('#open')).not.toBeFocused();
    await expect(wizardFrame(page).contentFrame().getByRole('button', { name: /Demo provider/ })).toBeVisible();

    const wizard = wizardFrame(page).contentFrame();
    const places: string[] = [];
    for (let press = 0; press < 12; press += 1) {
      await page.keyboard.press('Tab');
      places.push(await focusPlace(page, wizard));
    }
    // The host page's own buttons are inert while the dialog is open: Tab never reaches them.
    expect(places.filter((place) => !['button', 'wizard', 'browser'].includes(place))).toEqual([]);
    // Past the wizard's last control, focus comes round into the dialog again (through the browser's
    // own UI, which a modal dialog leaves reachable): the wizard is entered more than once.
    const entriesIntoWizard = places.filter((place, index) => place === 'wizard' && places[index - 1] !== 'wizard');
    expect(entriesIntoWizard.length).toBeGreaterThanOrEqual(2);
  });

  test('Escape closes the dialog and resolves exit; the page scrolls again once it is closed', async ({ page, request }) => {
    await page.goto(`${hostOrigin()}/embed.html?${new URLSearchParams({ link: await createLink(request, `modal-escape-${Date.now()}`) })}`);
    const scrollable = () => page.evaluate(() => getComputedStyle(document.documentElement).overflowY);
    const wheelScrolls = async () => {
      const before = await page.evaluate(() => window.scrollY);
      await page.mouse.move(20, 300);
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(200);
      return (await page.evaluate(() => window.scrollY)) > before;
    };
    await page.getByRole('button', { name: 'Connect an account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect an account' });
    await expect(dialog).toBeVisible();
    await expect(wizardFrame(page).contentFrame().getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    expect(await scrollable()).toBe('hidden');
    expect(await wheelScrolls()).toBe(false);

    await page.keyboard.press('Escape');
    await expectResult(page, { status: 'exit' });
    expect(await recorded(page, 'keywayCallbacks')).toEqual([['exit', { status: 'exit' }]]);
    await expect(dialog).toHaveCount(0);
    await expect(page.locator('keyway-modal')).toHaveCount(0);
    expect(await scrollable()).toBe('visible');
    expect(await wheelScrolls()).toBe(true);
  });

  // Escape pressed while the focus is inside the cross-origin wizard reaches the wizard's window, not
  // the host's dialog: the framed wizard posts `exit`, and the SDK closes on it.
  test('Escape pressed inside the wizard closes the dialog and resolves exit', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `modal-escape-inside-${Date.now()}`));
    const provider = wizardFrame(page).contentFrame().getByRole('button', { name: /Demo provider/ });
    await provider.focus();
    // keydown alone: it closes the dialog, and a keyup sent to the frame it removed can hang the browser's input queue.
    await page.keyboard.down('Escape');
    await expectResult(page, { status: 'exit' });
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  test('the close button closes the dialog and resolves exit', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `modal-close-${Date.now()}`));
    await expect(wizardFrame(page).contentFrame().getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expectResult(page, { status: 'exit' });
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });
});

test.describe('popup', () => {
  test('a demo flow in the popup resolves success in the host page and the popup is closed', async ({ page, request }) => {
    await page.goto(`${hostOrigin()}/embed.html?${new URLSearchParams({ link: await createLink(request, `popup-${Date.now()}`), mode: 'popup' })}`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect an account' }).click()]);
    popup.setDefaultTimeout(5000);
    await signInToDemo(popup);
    await typeDemoCode(popup, popup);
    await expect.poll(() => recorded(page, 'keywayResult')).toMatchObject({ status: 'success', provider: 'DEMO' });
    await expect.poll(() => popup.isClosed()).toBe(true);
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  test('closing the popup resolves exit', async ({ page, request }) => {
    await page.goto(`${hostOrigin()}/embed.html?${new URLSearchParams({ link: await createLink(request, `popup-close-${Date.now()}`), mode: 'popup' })}`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect an account' }).click()]);
    await expect(popup.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    await popup.close();
    await expectResult(page, { status: 'exit' });
  });

  test('a blocked popup falls back to the modal', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `popup-blocked-${Date.now()}`), { mode: 'popup', 'block-popups': '' });
    await expect(page.getByRole('dialog', { name: 'Connect an account' })).toBeVisible();
    await expect(wizardFrame(page).contentFrame().getByRole('button', { name: /Demo provider/ })).toBeVisible();
    expect(await recorded(page, 'keywayResult')).toBeUndefined();
  });

  test('a blocked popup with fallback "none" resolves popup_blocked and shows nothing', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `popup-none-${Date.now()}`), { mode: 'popup', fallback: 'none', 'block-popups': '' });
    await expectResult(page, { status: 'popup_blocked' });
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.locator('iframe')).toHaveCount(0);
  });
});

test('redirect mode leaves for the wizard, which lands on the success URL', async ({ page, request }) => {
  const link = await createLink(request, `redirect-${Date.now()}`);
  await openEmbedPage(page, link, { mode: 'redirect' });
  await page.waitForURL(link);
  await signInToDemo(page);
  await typeDemoCode(page, page);
  await page.getByRole('button', { name: 'Continue now' }).click();
  await page.waitForURL(`${hostOrigin()}/done?result=success&account_id=*`);
});

test.describe('origin checks', () => {
  test('a success message from another origin is ignored: the promise stays pending and onEvent never sees it', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `forged-${Date.now()}`), { mode: 'inline' });
    await expect(wizardFrame(page).contentFrame().getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    const forgedArrived = async () => (await recorded(page, 'rawMessages')).filter((message) => message.origin === otherSiteOrigin()).length;
    const expectStillPending = async () => {
      await page.waitForTimeout(300);
      expect(await recorded(page, 'keywayResult')).toBeUndefined();
      expect(await recorded(page, 'keywayCallbacks')).toEqual([]);
      expect((await recorded(page, 'keywayEvents')).filter((event) => event.flowId === 'forged')).toEqual([]);
    };

    // A frame of its own from a third origin posts the wizard's messages, success included, to the host page.
    await page.evaluate((src) => {
      const forger = document.createElement('iframe');
      forger.src = src;
      forger.title = 'Another site';
      document.body.append(forger);
    }, `${otherSiteOrigin()}/forge.html`);
    // The messages did reach the page, so it is the SDK that refuses them.
    await expect.poll(forgedArrived).toBe(3);
    await expectStillPending();

    // The wizard's own frame, navigated to the third origin: the right window, the wrong origin.
    await wizardFrame(page).evaluate((frame, src) => {
      (frame as HTMLIFrameElement).src = src;
    }, `${otherSiteOrigin()}/forge.html?in-the-wizard-frame`);
    await expect.poll(forgedArrived).toBe(6);
    await expectStillPending();
  });

  test('a success message from Keyway’s origin but another window is ignored', async ({ page, request }) => {
    await openEmbedPage(page, await createLink(request, `forged-window-${Date.now()}`), { mode: 'inline' });
    await expect(wizardFrame(page).contentFrame().getByRole('heading', { name: 'Connect an account' })).toBeVisible();

    // A second Keyway frame (another link) is on the page; a message from it is not from the SDK's wizard.
    await page.evaluate((src) => {
      const other = document.createElement('iframe');
      other.src = src;
      other.title = 'Another wizard';
      document.body.append(other);
    }, await createLink(request, `other-wizard-${Date.now()}`));
    const other = page.locator('iframe[title="Another wizard"]').contentFrame();
    await expect(other.getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    await other.locator('body').evaluate(() => {
      window.parent.postMessage({ keyway: 1, type: 'success', flowId: 'forged', data: { accountId: 'forged-account', provider: 'DEMO' } }, '*');
    });
    await expect.poll(async () => (await recorded(page, 'rawMessages')).filter((message) => message.data.flowId === 'forged').length).toBe(1);
    await page.waitForTimeout(300);
    expect(await recorded(page, 'keywayResult')).toBeUndefined();
    expect((await recorded(page, 'keywayEvents')).filter((event) => event.flowId === 'forged')).toEqual([]);
  });

  test('a link registered for other origins cannot be framed by this page and sends it nothing', async ({ page, request }) => {
    const refusals = watchForRefusals(page);
    const link = await createLink(request, `foreign-${Date.now()}`, { origins: ['https://elsewhere.example'] });
    await openEmbedPage(page, link, { mode: 'inline' });
    // The hosted page's CSP (frame-ancestors https://elsewhere.example) refuses this host page.
    await expect.poll(() => refusals.some((line) => /frame-ancestors/.test(line))).toBe(true);
    await expect(wizardFrame(page).contentFrame().locator('keyway-wizard')).toHaveCount(0);
    await page.waitForTimeout(500);
    expect((await recorded(page, 'rawMessages')).filter((message) => message.origin === keywayUrl())).toEqual([]);
    expect(await recorded(page, 'keywayEvents')).toEqual([]);
    expect(await recorded(page, 'keywayResult')).toBeUndefined();
  });

  test('a link registered for other origins, opened as a popup, posts nothing to this page', async ({ page, request }) => {
    const link = await createLink(request, `foreign-popup-${Date.now()}`, { origins: ['https://elsewhere.example'] });
    await page.goto(`${hostOrigin()}/embed.html?${new URLSearchParams({ link, mode: 'popup' })}`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect an account' }).click()]);
    popup.setDefaultTimeout(5000);
    // The wizard runs (its `ready` and `step` went to https://elsewhere.example only) and moves on.
    await popup.getByRole('button', { name: /Demo provider/ }).click();
    await expect(popup.getByLabel('Username', { exact: true })).toBeVisible();
    await page.waitForTimeout(300);
    expect((await recorded(page, 'rawMessages')).filter((message) => message.origin === keywayUrl())).toEqual([]);
    expect(await recorded(page, 'keywayEvents')).toEqual([]);
    expect(await recorded(page, 'keywayResult')).toBeUndefined();
    await popup.close();
  });
});

test.describe('<keyway-connect>', () => {
  test('loaded twice (script tag and module), it is defined once and its popup flow fires keyway-success on the page', async ({ page, request }) => {
    const refusals = watchForRefusals(page);
    const link = await createLink(request, `connect-${Date.now()}`);
    await page.goto(`${hostOrigin()}/connect.html?${new URLSearchParams({ link, mode: 'popup' })}`);
    // The script tag ran first: its class is the one registered, the module's copy stood back.
    expect(await recorded(page, 'esmClassIsDefined')).toBe(false);
    expect(await page.evaluate(() => typeof (window as unknown as Recorded).Keyway?.open)).toBe('function');

    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Link my account' }).click()]);
    popup.setDefaultTimeout(5000);
    await signInToDemo(popup);
    await typeDemoCode(popup, popup);
    await expect.poll(async () => (await recorded(page, 'connectEvents')).find(([type]) => type === 'keyway-success')).toBeTruthy();
    const events = await recorded(page, 'connectEvents');
    const success = events.find(([type]) => type === 'keyway-success')?.[1];
    expect(success).toMatchObject({ status: 'success', provider: 'DEMO' });
    expect(events.filter(([type]) => type === 'keyway-event').map(([, message]) => (message as { type: string }).type)).toContain('ready');
    expect(refusals).toEqual([]);
  });

  test('in modal mode, Escape fires keyway-exit', async ({ page, request }) => {
    await page.goto(`${hostOrigin()}/connect.html?${new URLSearchParams({ link: await createLink(request, `connect-exit-${Date.now()}`) })}`);
    await page.getByRole('button', { name: 'Link my account' }).click();
    await expect(wizardFrame(page).contentFrame().getByRole('heading', { name: 'Connect an account' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await recorded(page, 'connectEvents')).filter(([type]) => type !== 'keyway-event')).toEqual([['keyway-exit', { status: 'exit' }]]);
  });
});
