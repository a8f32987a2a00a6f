import { readFileSync } from 'node:fs';
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../src/server/providers/demo.js';

export const keywayUrl = () => process.env['KEYWAY_E2E_URL'] as string;
export const hostOrigin = () => process.env['KEYWAY_E2E_HOST'] as string;
export const webhookSecret = () => process.env['KEYWAY_E2E_WEBHOOK_SECRET'] as string;

/** What the host's backend does: the seed-003 request with its API key. */
export async function createLink(request: APIRequestContext, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await request.post(`${keywayUrl()}/api/v1/hosted/accounts/link`, {
    headers: { 'X-API-KEY': process.env['KEYWAY_E2E_API_KEY'] as string, accept: 'application/json' },
    data: {
      type: 'create',
      providers: ['DEMO'],
      api_url: keywayUrl(),
      expiresOn: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
      success_redirect_url: `${hostOrigin()}/done?result=success`,
      failure_redirect_url: `${hostOrigin()}/done?result=failure`,
      notify_url: `${hostOrigin()}/hooks`,
      name,
      ...extra,
    },
  });
  expect(response.status()).toBe(201);
  const body = (await response.json()) as { object: string; url: string };
  expect(body.object).toBe('HostedAuthURL');
  return body.url;
}

/** Opens the host page and clicks its button, which opens the wizard link as a popup. */
export async function openAsPopup(page: Page, linkUrl: string): Promise<Page> {
  await page.goto(`${hostOrigin()}/host.html?link=${encodeURIComponent(linkUrl)}`);
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect an account' }).click()]);
  popup.setDefaultTimeout(5000);
  return popup;
}

export async function signInToDemo(wizard: Page): Promise<void> {
  await wizard.getByRole('button', { name: /Demo provider/ }).click();
  await wizard.getByLabel('Username', { exact: true }).fill('demo');
  await wizard.getByLabel('Password', { exact: true }).fill('demo');
  await wizard.getByRole('button', { name: 'Connect' }).click();
  await expect(wizard.getByRole('group', { name: 'Verification code' })).toBeVisible();
}

/** The first box of the verification code (one box per digit). */
export function firstCodeBox(wizard: Page): Locator {
  return wizard.getByRole('group', { name: 'Verification code' }).getByRole('textbox', { name: /^Digit 1 of / });
}

/** Types the code digit by digit from the first box, as a user does; the wizard sends it after the last digit. */
export async function typeCode(wizard: Page, code: string): Promise<void> {
  await firstCodeBox(wizard).click();
  await wizard.keyboard.type(code);
}

/** Copies the code to the clipboard the way "123 456" is shown in many apps, and pastes it into the first box. */
export async function pasteCode(wizard: Page, code: string): Promise<void> {
  await wizard.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wizard.url()).origin });
  await firstCodeBox(wizard).click();
  await wizard.evaluate((text) => navigator.clipboard.writeText(text), `${code.slice(0, 3)} ${code.slice(3)}`);
  await wizard.keyboard.press('ControlOrMeta+V');
}

export function currentTotp(): string {
  return new OTPAuth.TOTP({ digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) }).generate();
}

export async function hostMessages(page: Page): Promise<{ keyway: number; type: string; flowId: string; data: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { keywayMessages: never[] }).keywayMessages);
}

export async function receivedHooks(request: APIRequestContext): Promise<{ headers: Record<string, string>; body: string }[]> {
  return (await request.get(`${hostOrigin()}/hooks`)).json();
}

const JSQR = readFileSync('node_modules/jsqr/dist/jsQR.js', 'utf8');

/**
 * Reads a QR code off a screenshot, as a phone's camera would, in `camera` (a blank page of its own:
 * the wizard's CSP rightly runs no test script). Answers the text it encodes, or undefined.
 */
export async function scanQr(camera: Page, png: Buffer): Promise<string | undefined> {
  await camera.setContent('<canvas></canvas>');
  await camera.addScriptTag({ content: JSQR });
  return camera.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.querySelector('canvas') as HTMLCanvasElement;
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height);
    return (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR(pixels.data, image.width, image.height)?.data;
  }, png.toString('base64'));
}
