import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv, Services } from '../context.js';
import { ApiError, pageStatus } from '../errors.js';
import { RateLimitedError } from '../security/rate-limits.js';
import { setPageHeaders } from '../security/headers.js';
import type { CallbackSecret } from '../flows/callbacks.js';
import { parseFormBody } from '../validate.js';
import { codeEntryPage, confirmPage, donePage, PAIRING_CSS, problemPage } from './pairing-pages.js';

// Framable by Keyway's own pages only (the demo's phone view), never by another site.
const PAIRING_CSP = "default-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

const PairingForm = z.strictObject({
  token: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{20,128}$/))),
  code: z.optional(z.string().check(z.maxLength(16))),
});

function respond(c: Context<AppEnv>, html: string, status: 200 | 400 | 404 | 409 | 410 | 429 = 200): Response {
  setPageHeaders(c, PAIRING_CSP);
  return c.html(html, status);
}

/** Errors a person can act on become a page, not JSON; anything else goes to the app's error handler. */
function problem(c: Context<AppEnv>, error: unknown): Response {
  if (!(error instanceof ApiError)) throw error;
  if (error instanceof RateLimitedError) return tooMany(c, error);
  return respond(c, problemPage(error.message), pageStatus(error));
}

function tooMany(c: Context<AppEnv>, error: RateLimitedError): Response {
  c.header('Retry-After', String(Math.ceil(error.retryAfterSeconds ?? 60)));
  return respond(c, problemPage(error.message), 429);
}

async function readSecret(c: Context<AppEnv>): Promise<CallbackSecret> {
  const notFilledIn = new ApiError(400, 'invalid_request', 'The form was not filled in. Scan the QR code again.');
  const form = await parseFormBody(c, PairingForm, notFilledIn);
  if (form.token) return { token: form.token };
  if (form.code) return { code: form.code };
  throw notFilledIn;
}

/** The phone side of QR pairing: scan → confirm page → the desktop flow completes. */
export function pairingRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { engine, limits } = services;

  /**
   * A typed code is short, so the client's address is checked before the code is looked at,
   * and every code that names no live pairing counts.
   */
  async function describe(c: Context<AppEnv>, secret: CallbackSecret) {
    const address = services.clientAddress(c);
    await limits.check('pairing_code_failures', address);
    try {
      return await engine.describeCallback('pairing', secret);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await limits.count('pairing_code_failures', address);
      throw error;
    }
  }

  app.get('/pair/pair.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(PAIRING_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
  });

  app.get('/pair', (c) => respond(c, codeEntryPage()));

  app.get('/pair/:token', async (c) => {
    const token = c.req.param('token');
    try {
      const about = await describe(c, { token });
      return respond(c, confirmPage({ ...about, secretName: 'token', secret: token }));
    } catch (error) {
      return problem(c, error);
    }
  });

  app.post('/pair/review', async (c) => {
    try {
      const secret = await readSecret(c);
      if (!secret.code) throw new ApiError(400, 'invalid_request', 'Type the code shown on your computer.');
      const about = await describe(c, secret);
      return respond(c, confirmPage({ ...about, secretName: 'code', secret: secret.code }));
    } catch (error) {
      if (error instanceof RateLimitedError) return tooMany(c, error);
      if (error instanceof ApiError && error.status < 500) return respond(c, codeEntryPage(error.message), 400);
      throw error;
    }
  });

  app.post('/pair/confirm', async (c) => {
    try {
      const secret = await readSecret(c);
      const about = await describe(c, secret);
      await engine.completeCallback('pairing', secret, {});
      return respond(c, donePage(about.providerName));
    } catch (error) {
      return problem(c, error);
    }
  });

  return app;
}
