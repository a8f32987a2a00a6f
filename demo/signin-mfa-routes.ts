import { Hono, type Context } from 'hono';
import { decodeJwt } from 'jose';
import * as z from 'zod/mini';
import type { AppEnv } from '../src/server/context.js';
import { parseWith } from '../src/server/validate.js';
import type { DemoAuthenticator } from './signin-authenticator.js';
import { keywayError, KeywayRefusal, type AcmeClient } from './signin-keyway.js';
import type { DemoSession, DemoSessions } from './signin-session.js';

const ShownCode = z.strictObject({ token: z.string().check(z.regex(/^\d{6}$/)) });

export interface DemoMfaDeps {
  acme: AcmeClient;
  sessions: DemoSessions;
  authenticator: DemoAuthenticator;
  /** A Keyway refusal as the demo's own answer; anything else is thrown on. */
  refused: (c: Context<AppEnv>, error: unknown) => Response;
  /** Who is signed in, as the page shows it. */
  view: (session: DemoSession | undefined) => Promise<unknown>;
}

/**
 * Seed 001's MFA API as the demo's signed-in user meets it: set-up with the demo authenticator
 * (the QR, the secret and the current code for the page), verify, validate a new session, remove.
 */
export function demoMfaRoutes(app: Hono<AppEnv>, { acme, sessions, authenticator, refused, view }: DemoMfaDeps): void {
  /** The session's access token at Keyway's `/users/self` MFA API; a refusal becomes the demo's. */
  const mfaCall = async (c: Context<AppEnv>, path: string, method: string, body?: unknown) => {
    const signedIn = sessions.find(c)?.signedIn;
    if (!signedIn) throw new KeywayRefusal({ status: 409, code: 'not_signed_in', message: 'Nobody is signed in here.' });
    const response = await acme.asUser(signedIn.accessToken, method, path, body);
    if (!response.ok) throw new KeywayRefusal(await keywayError(response));
    return { response, userId: decodeJwt(signedIn.accessToken).sub as string };
  };

  /** Setup: the QR and secret for the page, and the secret into the demo authenticator, which answers the current code. */
  app.post('/demo/api/signin/mfa/setup', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const { response, userId } = await mfaCall(c, '/users/self/mfa/setup', 'POST');
      const { data } = (await response.json()) as { data: { mfa_url: string; mfa_qr_code: string } };
      const { secret, code } = authenticator.enrol(userId, data.mfa_url);
      return c.json({ qr_code: data.mfa_qr_code, secret, code });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** Verify with the code the page shows; the recovery codes come back this once. */
  app.post('/demo/api/signin/mfa/verify', async (c) => {
    c.header('Cache-Control', 'no-store');
    const { token } = parseWith(ShownCode, await c.req.json().catch(() => ({})));
    try {
      const { response, userId } = await mfaCall(c, '/users/self/mfa/verify', 'POST', { token });
      authenticator.usedNow(userId);
      const { data } = (await response.json()) as { data: { recovery_codes: string[] } };
      return c.json({ recovery_codes: data.recovery_codes, session: await view(sessions.find(c)) });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** Validate (a new session of a user with MFA) or remove MFA, with the demo authenticator's next code. */
  for (const [route, path, method] of [
    ['validate', '/users/self/mfa/validate', 'POST'],
    ['remove', '/users/self/mfa', 'DELETE'],
  ] as const) {
    app.post(`/demo/api/signin/mfa/${route}`, async (c) => {
      c.header('Cache-Control', 'no-store');
      try {
        const signedIn = sessions.find(c)?.signedIn;
        const userId = signedIn ? (decodeJwt(signedIn.accessToken).sub as string) : '';
        const { code, used } = authenticator.code(userId);
        await mfaCall(c, path, method, { token: code });
        used();
        if (route === 'remove') authenticator.forget(userId);
      } catch (error) {
        return refused(c, error);
      }
      return c.json(await view(sessions.find(c)));
    });
  }
}
