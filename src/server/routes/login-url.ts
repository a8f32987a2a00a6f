import { Hono } from 'hono';
import { LOGIN_URL_TTL, LoginUrlRequest, type LoginUrl } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { clientGrantTypes, defaultClient, findClient, resolveRedirectUri } from '../identity/clients.js';
import { createSignInLink, signInLinkUrl } from '../identity/signin-links.js';
import { findUser, userNotFound } from '../identity/users.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import type { OAuthClientTable } from '../store/schema.js';
import { parseJsonBody } from '../validate.js';

async function clientFor(services: Services, tenantId: string, clientId: string | undefined): Promise<OAuthClientTable> {
  const { db } = services.store;
  if (clientId) {
    const client = await findClient(db, tenantId, clientId);
    if (!client) throw new ApiError(404, 'client_not_found', 'No OAuth client of yours has this client_id.');
    return client;
  }
  const only = await defaultClient(db, tenantId);
  if (!only) throw new ApiError(422, 'client_required', 'Name the OAuth client (client_id): you have none, or more than one.');
  return only;
}

function redirectUriFor(client: OAuthClientTable, asked: string | undefined): string {
  const resolved = resolveRedirectUri(client, asked);
  if ('uri' in resolved) return resolved.uri;
  if (resolved.problem === 'not_registered') throw new ApiError(422, 'redirect_uri_not_registered', 'redirect_uri is not one of the client’s registered redirect URIs.');
  throw new ApiError(422, 'redirect_uri_required', 'The client has several redirect URIs: name one (redirect_uri).');
}

/** `POST /api/v1/users/{id}/login_url` (seed 004): a single-use, expiring link that signs the user in after one click. */
export function loginUrlRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/users/:id/login_url', apiKeyAuth(services));

  app.post('/users/:id/login_url', async (c) => {
    // Seed 004 sends no body; an empty one means every default.
    const request = c.req.raw.body === null || c.req.header('content-length') === '0' ? {} : await parseJsonBody(c, LoginUrlRequest);
    const tenantId = c.get('tenantId');
    const now = services.clock();
    const user = await findUser(services.store.db, tenantId, c.req.param('id'));
    if (!user) throw userNotFound();
    if (user.status !== 'ACTIVE') throw new ApiError(409, 'user_inactive', 'The user is INACTIVE and cannot sign in; set the status to ACTIVE first.');
    const client = await clientFor(services, tenantId, request.client_id);
    if (!clientGrantTypes(client).includes('authorization_code')) throw new ApiError(422, 'unauthorized_client', 'This client may not use the authorization_code grant.');
    if (client.secret_hash === null && !request.code_challenge) throw new ApiError(422, 'pkce_required', 'A public client needs a PKCE code_challenge (S256).');
    if (request.code_challenge_method && !request.code_challenge) throw new ApiError(422, 'invalid_request', 'code_challenge_method needs a code_challenge.');
    const redirectUri = redirectUriFor(client, request.redirect_uri);
    const expiresAt = now + (request.expires_in ?? LOGIN_URL_TTL.default) * 1000;
    const { token } = await createSignInLink(services.store.db, {
      tenantId,
      publicUrl: services.publicUrl,
      now,
      expiresAt,
      request: {
        client_id: client.id,
        redirect_uri: redirectUri,
        scope: request.scope ?? 'openid',
        state: request.state ?? null,
        nonce: request.nonce ?? null,
        code_challenge: request.code_challenge ?? null,
        code_challenge_method: request.code_challenge ? 'S256' : null,
        user_id: user.id,
        login_hint: null,
        method: 'login_url',
        parent_link_id: null,
      },
    });
    const body: LoginUrl = { login_url: await signInLinkUrl(services.store.db, tenantId, services.publicUrl, token), expires_at: new Date(expiresAt).toISOString() };
    return c.json(body, 201);
  });

  return app;
}
