import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { parseWith } from '../src/server/validate.js';
import type { AppEnv, Services } from '../src/server/context.js';
import { demoTotp } from '../src/server/providers/demo.js';
import { tenantWebhookSecret } from '../src/server/store/tenants.js';
import { verifyWebhook } from '../src/server/webhooks/signature.js';
import { demoMessageRoutes } from './messages.js';
import { demoSignInRoutes } from './signin.js';
import { AcmeClient } from './signin-keyway.js';
import { DemoSessions } from './signin-session.js';

/** Static files sit in demo/public, found from the compiled file in dist/demo or from the source. */
const PUBLIC_DIR = [new URL('./public', import.meta.url), new URL('../../demo/public', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) as string;

const DEMO_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const DemoLinkChoice = z.strictObject({
  providers: z.optional(z.array(z.enum(['DEMO', 'WHATSAPP', 'TELEGRAM']))),
  locale: z.optional(z.enum(['en', 'fr', 'de', 'es', 'ar'])),
});
const DemoBrandChoice = z.strictObject({ brand: z.enum(['keyway', 'acme']) });
const ACME_BRAND = { name: 'Acme CRM', primaryColor: '#0f766e', radius: '4px', supportUrl: 'https://example.com/help' };

interface ReceivedWebhook {
  receivedAt: string;
  signature: string;
  event: unknown;
}

export interface DemoOptions {
  services: Services;
  /** Where this process listens, for the demo backend's own call to the link API. */
  internalUrl: string;
  apiKey: () => string;
  tenantName: string;
}

/**
 * The demo host app: a settings page whose backend route holds the API key and asks Keyway for links,
 * a webhook receiver that checks signatures the way a host's should, and its own users' sign-in.
 */
export function demoRoutes(options: DemoOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const received: ReceivedWebhook[] = [];
  const { services } = options;

  app.use('/demo/*', async function demoHeaders(c, next) {
    await next();
    // A page with a policy of its own (a mail shown in the inbox) keeps it.
    if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', DEMO_CSP);
  });
  app.get('/demo', (c) => c.redirect('/demo/'));

  /** The demo's own backend call, as a host's server makes it: the API key never reaches the browser. */
  const callKeyway = (method: string, path: string, body?: unknown) =>
    fetch(`${options.internalUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  app.post('/demo/api/links', async (c) => {
    const base = services.publicUrl;
    const choice = parseWith(DemoLinkChoice, await c.req.json().catch(() => ({})));
    const response = await callKeyway('POST', '/api/v1/hosted/accounts/link', {
        type: 'create',
        providers: choice.providers ?? '*',
        ...(choice.locale ? { locale: choice.locale } : {}),
        origins: [new URL(base).origin],
        api_url: base,
        expiresOn: new Date(services.clock() + 15 * 60 * 1000).toISOString(),
        success_redirect_url: `${base}/demo/done.html?result=success`,
        failure_redirect_url: `${base}/demo/done.html?result=failure`,
        notify_url: `${base}/demo/webhooks`,
        name: 'demo-user-42',
    });
    return c.json(await response.json(), response.status as 201);
  });

  /** The brand switch: the demo tenant wears Keyway's look or a made-up customer's. */
  app.post('/demo/api/brand', async (c) => {
    const { brand } = parseWith(DemoBrandChoice, await c.req.json().catch(() => ({})));
    const response = brand === 'acme' ? await callKeyway('PUT', '/api/v1/brand', ACME_BRAND) : await callKeyway('DELETE', '/api/v1/brand');
    await response.body?.cancel();
    return c.json({ brand });
  });

  app.post('/demo/webhooks', async (c) => {
    const body = await c.req.text();
    const tenant = await services.store.db.selectFrom('tenants').select('id').where('name', '=', options.tenantName).executeTakeFirstOrThrow();
    const secret = await tenantWebhookSecret(services.store.db, services.sealer, tenant.id);
    const check = verifyWebhook(secret, body, c.req.header('keyway-signature'));
    let event: unknown = null;
    try {
      event = JSON.parse(body);
    } catch {
      event = body.slice(0, 200);
    }
    received.unshift({ receivedAt: new Date().toISOString(), signature: check.valid ? 'valid' : `invalid (${check.reason})`, event });
    received.splice(50);
    return check.valid ? c.body(null, 204) : c.json({ error: { code: 'bad_signature', message: 'The signature does not verify.' } }, 400);
  });

  app.get('/demo/api/webhooks', (c) => c.json(received));

  /** What Keyway mailed when no SMTP server is configured: sign-in codes and links land here instead of a mailbox. */
  app.get('/demo/api/inbox', (c) => {
    const mails = (services.demoInbox?.entries ?? []).map(({ id, from, to, subject, text, sentAt }) => ({ id, from, to, subject, text, sentAt }));
    c.header('Cache-Control', 'no-store');
    return c.json({ enabled: services.demoInbox !== undefined, mails });
  });

  app.get('/demo/api/totp', (c) => {
    const now = services.clock();
    return c.json({ code: demoTotp().generate({ timestamp: now }), secondsLeft: 30 - (Math.floor(now / 1000) % 30) });
  });

  const acme = new AcmeClient({ internalUrl: options.internalUrl, issuer: services.publicUrl, callKeyway, startedAt: services.clock() });
  const sessions = new DemoSessions(services.publicUrl.startsWith('https:'));
  app.route('/', demoSignInRoutes({ services, internalUrl: options.internalUrl, callKeyway, tenantName: options.tenantName, acme, sessions }));
  app.route('/', demoMessageRoutes({ services, callKeyway, acme, sessions }));

  app.use('/demo/*', serveStatic({ root: PUBLIC_DIR, rewriteRequestPath: (path) => path.replace(/^\/demo/, '') }));
  return app;
}
