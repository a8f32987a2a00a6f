import { Hono } from 'hono';
import { LinkRequest, type HostedAuthUrl } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { brandOfTenant } from '../brands.js';
import { ApiError } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { obviousPrivateDestination } from '../security/outbound.js';
import { newId, newToken, sha256 } from '../security/tokens.js';
import { insertReused } from '../store/reused-query.js';
import { parseJsonBody } from '../validate.js';

/** Links must outlive the request and not outlive a day: long-lived links are standing credentials. */
export const MAX_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
const MIN_LINK_LIFETIME_MS = 30 * 1000;

function defaultOrigins(request: LinkRequest): string[] {
  const urls = [request.success_redirect_url, request.failure_redirect_url].filter((url): url is string => Boolean(url));
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

export function linkRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/hosted/*', apiKeyAuth(services));

  app.post('/hosted/accounts/link', async (c) => {
    const request = await parseJsonBody(c, LinkRequest);
    const tenantId = c.get('tenantId');
    const now = services.clock();
    const expiresAt = Date.parse(request.expiresOn);
    if (expiresAt < now + MIN_LINK_LIFETIME_MS) throw new ApiError(422, 'invalid_expiry', 'expiresOn must be at least 30 seconds in the future.');
    if (expiresAt > now + MAX_LINK_LIFETIME_MS) throw new ApiError(422, 'invalid_expiry', 'expiresOn must be at most 24 hours in the future.');
    // The obvious cases answered now; a name that resolves to a private address is refused at delivery.
    const refusal = request.notify_url && !services.allowPrivateWebhooks ? obviousPrivateDestination(request.notify_url) : undefined;
    if (refusal) {
      throw new ApiError(422, 'notify_url_not_allowed', `notify_url must reach a public address: ${refusal}.`, { field: 'notify_url' });
    }

    let providers = request.providers;
    if (providers === '*') {
      if (services.catalogue.ids().length === 0) throw new ApiError(422, 'no_providers', 'No provider is configured on this Keyway instance.');
    } else {
      const unknown = providers.filter((id) => !services.catalogue.has(id));
      if (unknown.length > 0) {
        throw new ApiError(422, 'unknown_provider', `Unknown or unconfigured providers: ${unknown.join(', ')}.`, { unknown, available: services.catalogue.ids() });
      }
    }

    if (request.type === 'reconnect') {
      if (!request.reconnect_account) throw new ApiError(422, 'invalid_request', 'A reconnect link needs reconnect_account.');
      const account = await services.store.db
        .selectFrom('accounts')
        .select(['provider'])
        .where('id', '=', request.reconnect_account)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (!account) throw new ApiError(404, 'account_not_found', 'reconnect_account does not name an account of yours.');
      if (!services.catalogue.has(account.provider)) throw new ApiError(422, 'unknown_provider', `The account's provider ${account.provider} is not configured.`);
      providers = [account.provider];
    } else if (request.reconnect_account) {
      throw new ApiError(422, 'invalid_request', 'reconnect_account is only for links of type "reconnect".');
    }

    const token = newToken();
    await insertReused(services.store.db, 'links', {
      id: newId(),
      tenant_id: tenantId,
      token_hash: sha256(token),
      type: request.type,
      providers_json: JSON.stringify(providers),
      api_url: request.api_url,
      success_redirect_url: request.success_redirect_url ?? null,
      failure_redirect_url: request.failure_redirect_url ?? null,
      notify_url: request.notify_url ?? null,
      name: request.name ?? null,
      reconnect_account: request.reconnect_account ?? null,
      origins_json: JSON.stringify(request.origins ?? defaultOrigins(request)),
      locale: request.locale ?? null,
      expires_at: expiresAt,
      created_at: now,
      used_at: null,
      notify_on_expiry: request.notify_on_expiry ? 1 : 0,
      expiry_reported_at: null,
      new_link_url: request.new_link_url ?? null,
    });
    // A tenant with its own domain gets links on it (same scheme as Keyway's public URL).
    const brand = await brandOfTenant(services.store.db, tenantId);
    const base = brand?.domain ? `${new URL(services.publicUrl).protocol}//${brand.domain}` : services.publicUrl;
    const body: HostedAuthUrl = { object: 'HostedAuthURL', url: `${base}/connect/${token}` };
    return c.json(body, 201);
  });

  return app;
}
