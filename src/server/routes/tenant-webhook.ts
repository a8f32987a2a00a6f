import { Hono } from 'hono';
import { TenantWebhook } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { obviousPrivateDestination } from '../security/outbound.js';
import { parseJsonBody } from '../validate.js';

/** `GET|PUT|DELETE /api/v1/webhook`: where the tenant hears of sign-ins and replayed refresh tokens. */
export function tenantWebhookRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/webhook', apiKeyAuth(services));

  app.get('/webhook', async (c) => {
    const row = await db.selectFrom('tenants').select('webhook_url').where('id', '=', c.get('tenantId')).executeTakeFirstOrThrow();
    if (!row.webhook_url) throw new ApiError(404, 'webhook_not_set', 'No webhook URL is set for sign-in events.');
    return c.json({ url: row.webhook_url });
  });

  app.put('/webhook', async (c) => {
    const { url } = await parseJsonBody(c, TenantWebhook);
    // The same rule as a link's notify_url: obvious private targets now, the rest at delivery.
    const refusal = services.allowPrivateWebhooks ? undefined : obviousPrivateDestination(url);
    if (refusal) throw new ApiError(422, 'webhook_url_not_allowed', `The webhook URL must reach a public address: ${refusal}.`, { field: 'url' });
    await db.updateTable('tenants').set({ webhook_url: url }).where('id', '=', c.get('tenantId')).execute();
    return c.json({ url });
  });

  app.delete('/webhook', async (c) => {
    await db.updateTable('tenants').set({ webhook_url: null }).where('id', '=', c.get('tenantId')).execute();
    return c.body(null, 204);
  });

  return app;
}
