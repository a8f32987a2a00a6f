import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv, Services } from '../context.js';
import { brandOfHost } from '../brands.js';
import { escapeHtml } from '../html.js';
import { activeClient, clientGrantTypes, resolveRedirectUri } from '../identity/clients.js';
import { createSignInLink } from '../identity/signin-links.js';
import { setPageHeaders } from '../security/headers.js';

/** How long an authorization request may take: long enough to fetch a code from a mailbox. */
export const AUTHORIZATION_REQUEST_TTL_MS = 10 * 60 * 1000;

const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

const AuthorizationRequest = z.object({
  response_type: z.optional(z.string()),
  client_id: z.string().check(z.minLength(1), z.maxLength(128)),
  redirect_uri: z.optional(z.string().check(z.maxLength(2048))),
  scope: z.optional(z.string().check(z.maxLength(512), z.regex(SCOPE))),
  state: z.optional(z.string().check(z.maxLength(512))),
  nonce: z.optional(z.string().check(z.maxLength(256))),
  code_challenge: z.optional(z.string()),
  code_challenge_method: z.optional(z.string()),
  login_hint: z.optional(z.string().check(z.maxLength(254))),
  response_mode: z.optional(z.string()),
});

const ERROR_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Before the client and its redirect URI are known to be good, an error may go nowhere but this page (RFC 6749 §4.1.2.1). */
function errorPage(c: Context<AppEnv>, message: string): Response {
  setPageHeaders(c, ERROR_CSP);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in request not valid</title><link rel="stylesheet" href="/pair/pair.css"></head><body><main><h1>This sign-in request is not valid</h1><p class="status" role="alert">${escapeHtml(message)}</p><p>Go back to the app and try again.</p></main></body></html>`,
    400,
  );
}

/** Once the redirect URI is trusted, errors go back to the app there, with its state and Keyway as issuer (RFC 9207). */
function errorRedirect(c: Context<AppEnv>, redirectUri: string, error: string, description: string, state: string | undefined, issuer: string): Response {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return c.redirect(url.href, 303);
}

/**
 * `GET /oauth2/authorize`: the authorization code flow's front door, for any OpenID Connect client
 * library. A valid request becomes a sign-in link (so it runs in the wizard like a login URL) and the
 * browser is sent to it; the user proves who they are there and comes back with a code.
 */
export function authorizeRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/oauth2/authorize', async (c) => {
    const issuer = services.publicUrl;
    const parsed = z.safeParse(AuthorizationRequest, c.req.query());
    const clientId = c.req.query('client_id');
    if (!clientId) return errorPage(c, 'The request names no client (client_id).');
    const client = await activeClient(services.store.db, clientId);
    if (!client) return errorPage(c, 'The app that sent you here is not known to Keyway.');
    // A tenant's own domain serves its own clients only, as it serves its own links only.
    const here = await brandOfHost(services.store.db, c.req.header('host'), services.publicUrl);
    if (here && here.tenantId !== client.tenant_id) return errorPage(c, 'The app that sent you here is not known to Keyway.');
    const resolved = resolveRedirectUri(client, c.req.query('redirect_uri'));
    if (!('uri' in resolved)) return errorPage(c, 'The address to return to is not one the app registered.');
    const redirectUri = resolved.uri;
    const state = c.req.query('state');
    if (!parsed.success) return errorRedirect(c, redirectUri, 'invalid_request', `The request is not valid: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}.`, state, issuer);
    const request = parsed.data;
    if (request.response_type !== 'code') return errorRedirect(c, redirectUri, 'unsupported_response_type', 'Only response_type=code is supported.', state, issuer);
    if (request.response_mode !== undefined && request.response_mode !== 'query') return errorRedirect(c, redirectUri, 'invalid_request', 'Only response_mode=query is supported.', state, issuer);
    if (!clientGrantTypes(client).includes('authorization_code')) return errorRedirect(c, redirectUri, 'unauthorized_client', 'This client may not use the authorization code flow.', state, issuer);
    if (request.code_challenge !== undefined || request.code_challenge_method !== undefined) {
      if (request.code_challenge_method !== 'S256') return errorRedirect(c, redirectUri, 'invalid_request', 'code_challenge_method must be S256.', state, issuer);
      if (!/^[A-Za-z0-9_-]{43,128}$/.test(request.code_challenge ?? '')) return errorRedirect(c, redirectUri, 'invalid_request', 'code_challenge must be a base64url S256 challenge.', state, issuer);
    } else if (client.secret_hash === null) {
      return errorRedirect(c, redirectUri, 'invalid_request', 'A public client must use PKCE (code_challenge with S256).', state, issuer);
    }
    // Each request stores a row: one address may not make them without bound.
    const over = await services.limits.count('flow_open', services.clientAddress(c));
    if (over) return errorRedirect(c, redirectUri, 'temporarily_unavailable', over.message, state, issuer);

    const now = services.clock();
    const { token } = await createSignInLink(services.store.db, {
      tenantId: client.tenant_id,
      publicUrl: services.publicUrl,
      now,
      expiresAt: now + AUTHORIZATION_REQUEST_TTL_MS,
      request: {
        client_id: client.id,
        redirect_uri: redirectUri,
        scope: request.scope ?? 'openid',
        state: state ?? null,
        nonce: request.nonce ?? null,
        code_challenge: request.code_challenge ?? null,
        code_challenge_method: request.code_challenge ? 'S256' : null,
        user_id: null,
        login_hint: request.login_hint ?? null,
        method: 'email_code',
        parent_link_id: null,
      },
    });
    return c.redirect(`/login?code=${token}`, 303);
  });

  return app;
}
