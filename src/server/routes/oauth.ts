import type { Context } from 'hono';
import { Hono } from 'hono';
import { OAUTH_RETURN_KEY } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError, pageStatus } from '../errors.js';
import { setPageHeaders } from '../security/headers.js';
import { escapeHtml } from '../html.js';
import { OAUTH_CALLBACK_PATH } from '../providers/oauth2.js';

const CALLBACK_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * A full-page redirect goes back to the wizard (the wizard left its address in sessionStorage, and
 * clears it before opening a popup); a popup closes itself, as the wizard learns the outcome from the flow.
 * The key is checked first: a wizard that is itself a popup has an opener too.
 */
const RETURN_SCRIPT = `const back = sessionStorage.getItem(${JSON.stringify(OAUTH_RETURN_KEY)});
if (back && new URL(back, location.href).origin === location.origin) { sessionStorage.removeItem(${JSON.stringify(OAUTH_RETURN_KEY)}); location.replace(back); }
else if (window.opener) window.close();`;

function page(c: Context<AppEnv>, title: string, message: string, status: 200 | 400 | 404 | 409 | 410): Response {
  setPageHeaders(c, CALLBACK_CSP);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><script src="/oauth/return.js" defer></script></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`,
    status,
  );
}

/** `GET /oauth/callback`: where providers send the user back, with `code` (or `error`) and `state`. */
export function oauthRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/oauth/return.js', (c) => c.body(RETURN_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get(OAUTH_CALLBACK_PATH, async (c) => {
    const state = c.req.query('state');
    if (!state || !/^[A-Za-z0-9_-]{20,128}$/.test(state)) return page(c, 'Sign-in did not complete', 'The answer from the provider is missing its state. Start again from the app.', 400);
    // The redirect URI the provider saw is the public one; rebuild it from the public URL, not this request's host.
    const url = new URL(`${services.publicUrl}${OAUTH_CALLBACK_PATH}${new URL(c.req.url).search}`);
    try {
      const flow = await services.engine.completeCallback('oauth', { token: state }, { url: url.href });
      const done = flow.step.kind === 'success';
      return page(c, done ? 'Signed in' : 'Sign-in did not complete', done ? 'You can close this window.' : flow.step.kind === 'failure' ? flow.step.message : 'Go back to the previous window.', 200);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return page(c, 'Sign-in did not complete', error.message, pageStatus(error));
    }
  });

  return app;
}
