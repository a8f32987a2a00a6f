import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { linkServedHere } from '../brands.js';
import { ApiError } from '../errors.js';
import { escapeHtml } from '../html.js';
import { hostedPageCsp, setPageHeaders } from '../security/headers.js';
import { sha256 } from '../security/tokens.js';
import { isInternalPath } from '../../protocol/url-rules.js';
import { MESSAGE_LINK_REFUSALS, openMessageSignIn } from '../messages/message-signin-links.js';

interface WidgetAssets {
  script: string;
  styles: string[];
  /** Chunks the entry imports, preloaded so the browser fetches them in parallel, not one after another. */
  preloads: string[];
}

/** Reads Vite's manifest once; the hosted page links the hashed files it names. */
export function readWidgetAssets(widgetDir: string): WidgetAssets {
  const file = join(widgetDir, '.vite', 'manifest.json');
  let manifest: Record<string, { file: string; css?: string[]; isEntry?: boolean; imports?: string[] }>;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ApiError(503, 'wizard_not_built', `The wizard is not built (${file} is missing); run "npm run build".`);
  }
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) throw new Error(`${file} names no entry chunk`);
  const preloads = (entry.imports ?? []).map((key) => manifest[key]?.file).filter((file): file is string => Boolean(file));
  return { script: `/${entry.file}`, styles: (entry.css ?? []).map((css) => `/${css}`), preloads: preloads.map((file) => `/${file}`) };
}

/** A refusal drawn without the wizard (nothing to run: the request itself is not valid). */
function refusedPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in link not valid</title><link rel="stylesheet" href="/pair/pair.css"></head><body><main><h1>This sign-in link is not valid</h1><p class="status" role="alert">${escapeHtml(message)}</p></main></body></html>`;
}

/** `?theme=light|dark` forces the wizard's theme (a host matching its own page); anything else follows the system. */
const THEMES = new Set(['light', 'dark']);

function hostedPage(assets: WidgetAssets, page: { token: string; title: string; lang: string; theme: string | undefined; userToken?: { token: string; returnTo: string | undefined; openOnboarding: boolean } }): string {
  const { token: linkToken, lang, theme } = page;
  // A user token's page: the wizard posts the token (seed 002); the GET that drew the page did nothing.
  const source = page.userToken
    ? `user-token="${escapeHtml(page.userToken.token)}"${page.userToken.returnTo ? ` return-to="${escapeHtml(page.userToken.returnTo)}"` : ''}${page.userToken.openOnboarding ? ' open-onboarding' : ''}`
    : `link="${escapeHtml(linkToken)}"`;
  const styles = assets.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('');
  const preloads = assets.preloads.map((href) => `<link rel="modulepreload" href="${escapeHtml(href)}">`).join('');
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)}</title>
${styles}
${preloads}
<script type="module" src="${escapeHtml(assets.script)}"></script>
</head>
<body>
<main class="keyway-page"><keyway-wizard ${source} heading-level="1"${theme ? ` theme="${theme}"` : ''}></keyway-wizard></main>
</body>
</html>`;
}

export function hostedRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let assets: WidgetAssets | undefined;

  // Built files carry content hashes in their names, so they never change.
  app.use('/assets/*', async function immutableAssets(c, next) {
    await next();
    if (c.res.status === 200) {
      c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    }
  });
  app.use('/assets/*', serveStatic({ root: services.widgetDir }));

  // The embedding SDK, for hosts that load it with a script tag from Keyway's own origin.
  app.use('/embed/*', async function embedHeaders(c, next) {
    await next();
    if (c.res.status === 200) {
      c.res.headers.set('Cache-Control', 'public, max-age=300');
      c.res.headers.set('Access-Control-Allow-Origin', '*');
    }
  });
  app.use('/embed/*', serveStatic({ root: join(services.widgetDir, '..'), rewriteRequestPath: (path) => (/^\/embed\/keyway-embed(\.iife)?\.js$/.test(path) ? path : '/embed/missing') }));

  /** The wizard's page for a link token: a connect link's `/connect/<token>`, or a login URL's `/login?code=<token>`. */
  async function wizardPage(c: Context<AppEnv>, token: string): Promise<Response> {
    assets ??= readWidgetAssets(services.widgetDir);
    const wellFormed = /^[A-Za-z0-9_-]{16,128}$/.test(token);
    const found = wellFormed
      ? await services.store.db.selectFrom('links').select(['origins_json', 'locale', 'tenant_id', 'type']).where('token_hash', '=', sha256(token)).executeTakeFirst()
      : undefined;
    const link = found && (await linkServedHere(services.store.db, c.req.header('host'), services.publicUrl, found.tenant_id)) ? found : undefined;
    if (!link) {
      const over = await services.limits.count('link_token_failures', services.clientAddress(c));
      if (over) throw over;
    }
    const origins = link ? (JSON.parse(link.origins_json) as string[]) : [];
    setPageHeaders(c, hostedPageCsp(origins));
    // An unknown link still gets the page, so the wizard can explain; the status tells crawlers and tools.
    const theme = c.req.query('theme');
    const title = link?.type === 'signin' ? 'Sign in' : 'Connect an account';
    return c.html(hostedPage(assets, { token: wellFormed ? token : '', title, lang: link?.locale ?? 'en', theme: theme && THEMES.has(theme) ? theme : undefined }), link ? 200 : 404);
  }

  app.get('/connect/:token', (c) => wizardPage(c, c.req.param('token')));
  // A GET only draws the page: the sign-in happens when the user confirms in it.
  /**
   * `/login/?token=<user token>&openOnboarding=…&closeOnboardingRedirect=/path` (seed 002). The return
   * path must be one inside the app; anything else is refused here, before the token is touched.
   */
  async function userTokenPage(c: Context<AppEnv>, userToken: string): Promise<Response> {
    assets ??= readWidgetAssets(services.widgetDir);
    const returnTo = c.req.query('closeOnboardingRedirect');
    setPageHeaders(c, hostedPageCsp([]));
    if (returnTo !== undefined && !isInternalPath(returnTo)) {
      return c.html(refusedPage('The address to return to is not a path inside the app, so this sign-in link cannot be used. Ask the app for a new one.'), 400);
    }
    const wellFormed = /^[A-Za-z0-9_.-]{16,4096}$/.test(userToken);
    // Seed 002 spells it `true` or `false`; the wizard asks for the onboarding when the flow opens, not this GET.
    const openOnboarding = c.req.query('openOnboarding') === 'true';
    return c.html(hostedPage(assets, { token: '', title: 'Sign in', lang: 'en', theme: undefined, userToken: { token: wellFormed ? userToken : '', returnTo, openOnboarding } }), wellFormed ? 200 : 404);
  }

  /**
   * `/login/?message_token=<uuid>[&client_id=…&redirect_uri=…]` (seed 000): the wizard of the message's
   * sign-in link, on its confirm step. Drawing it uses nothing up, so a mail scanner's GET leaves the token working.
   */
  async function messageTokenPage(c: Context<AppEnv>, messageToken: string): Promise<Response> {
    assets ??= readWidgetAssets(services.widgetDir);
    const opened = await openMessageSignIn(services.store.db, {
      token: messageToken,
      host: c.req.header('host'),
      publicUrl: services.publicUrl,
      now: services.clock(),
      clientId: c.req.query('client_id'),
      redirectUri: c.req.query('redirect_uri'),
    });
    if ('linkToken' in opened) return wizardPage(c, opened.linkToken);
    if (opened.failure === 'token_malformed' || opened.failure === 'token_unknown') {
      const over = await services.limits.count('link_token_failures', services.clientAddress(c));
      if (over) throw over;
    }
    setPageHeaders(c, hostedPageCsp([]));
    const status = opened.failure === 'token_malformed' || opened.failure === 'token_unknown' ? 404 : opened.failure === 'token_expired' ? 410 : 409;
    return c.html(refusedPage(MESSAGE_LINK_REFUSALS[opened.failure]), status);
  }

  const login = (c: Context<AppEnv>) => {
    const messageToken = c.req.query('message_token');
    if (messageToken !== undefined && c.req.query('code') === undefined && c.req.query('token') === undefined) return messageTokenPage(c, messageToken);
    const userToken = c.req.query('token');
    return userToken !== undefined && c.req.query('code') === undefined ? userTokenPage(c, userToken) : wizardPage(c, c.req.query('code') ?? '');
  };
  app.get('/login', login);
  app.get('/login/', login);

  return app;
}
