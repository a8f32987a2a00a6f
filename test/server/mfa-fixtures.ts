import * as OTPAuth from 'otpauth';
import type { Hono } from 'hono';
import type { AppEnv } from '../../src/server/context.js';
import type { Harness } from './harness.js';
import { signIn, type Identity, type TokenJson } from './oauth2-fixtures.js';

export type ErrorJson = { error: { code: string; message: string; details?: Record<string, unknown> } };
export type UserJson = { code: string; data: Record<string, unknown> };

/** A request with the access token, and a JSON body when one is given (a string is sent as it is). */
export function call(app: Hono<AppEnv>, method: 'GET' | 'POST' | 'DELETE', path: string, token: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return Promise.resolve(app.request(path, init));
}

export const setup = (h: Harness, token: string) => call(h.app, 'POST', '/users/self/mfa/setup', token);
export const verify = (h: Harness, token: string, body: unknown) => call(h.app, 'POST', '/users/self/mfa/verify', token, body);
export const validate = (h: Harness, token: string, body: unknown) => call(h.app, 'POST', '/users/self/mfa/validate', token, body);
export const removeMfa = (h: Harness, token: string, body: unknown) => call(h.app, 'DELETE', '/users/self/mfa', token, body);

/** The base32 secret in an otpauth URI. */
export function secretOf(mfaUrl: string): string {
  return new URL(mfaUrl).searchParams.get('secret') ?? '';
}

/** What the user's authenticator app shows at `at`. */
export function codeAt(secret: string, at: number): string {
  return new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at });
}

/** A six-digit code that is wrong anywhere in the ±1 window around `at`. */
export function wrongCodeAt(secret: string, at: number, seed = 0): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => codeAt(secret, at + offset)));
  for (let n = seed; ; n += 1) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

export async function expectError(response: Response, status: number, code: string): Promise<ErrorJson> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status} ${code}, got ${response.status}: ${text}`);
  const body = JSON.parse(text) as ErrorJson;
  if (body.error.code !== code) throw new Error(`expected error ${code}, got ${text}`);
  return body;
}

export interface MfaUser {
  /** The session that enabled MFA: validated. */
  tokens: TokenJson;
  secret: string;
  recoveryCodes: string[];
}

/** Signs in, sets up and verifies MFA; the clock then moves to the next time step, so the next code is fresh. */
export async function enableMfa(h: Harness, identity: Pick<Identity, 'user' | 'client'>): Promise<MfaUser> {
  const tokens = await signIn(h, identity);
  const started = await setup(h, tokens.access_token);
  if (started.status !== 200) throw new Error(`setup answered ${started.status}: ${await started.text()}`);
  const secret = secretOf(String(((await started.json()) as UserJson).data['mfa_url']));
  const verified = await verify(h, tokens.access_token, { token: codeAt(secret, h.clock.now) });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}: ${await verified.text()}`);
  const recoveryCodes = ((await verified.json()) as UserJson).data['recovery_codes'] as string[];
  h.clock.advance(30_000);
  return { tokens, secret, recoveryCodes };
}
