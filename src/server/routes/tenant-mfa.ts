import { Hono } from 'hono';
import { TenantMfaSettings } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody } from '../validate.js';

/** `GET|PUT /api/v1/settings/mfa`: whether users without MFA must set it up in the wizard before they sign in. */
export function tenantMfaRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/settings/mfa', apiKeyAuth(services));

  app.get('/settings/mfa', async (c) => {
    const row = await db.selectFrom('tenants').select('require_mfa').where('id', '=', c.get('tenantId')).executeTakeFirstOrThrow();
    return c.json({ required: row.require_mfa === 1 });
  });

  app.put('/settings/mfa', async (c) => {
    const { required } = await parseJsonBody(c, TenantMfaSettings);
    await db.updateTable('tenants').set({ require_mfa: required ? 1 : 0 }).where('id', '=', c.get('tenantId')).execute();
    return c.json({ required });
  });

  return app;
}
