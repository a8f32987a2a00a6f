import { Hono } from 'hono';
import { BrandSettings } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { forgetBrands, normaliseHost } from '../brands.js';
import { ApiError } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody } from '../validate.js';

/** `GET|PUT|DELETE /api/v1/brand`: the tenant's white-label brand and domain. */
export function brandRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/brand', apiKeyAuth(services));

  app.get('/brand', async (c) => {
    const row = await db.selectFrom('brands').select('settings_json').where('tenant_id', '=', c.get('tenantId')).executeTakeFirst();
    if (!row) throw new ApiError(404, 'brand_not_found', 'No brand is set; links use Keyway’s own domain and look.');
    return c.json(JSON.parse(row.settings_json) as BrandSettings);
  });

  app.put('/brand', async (c) => {
    const settings = await parseJsonBody(c, BrandSettings);
    const tenantId = c.get('tenantId');
    const domain = settings.domain ?? null;
    if (domain && domain === normaliseHost(new URL(services.publicUrl).host, services.publicUrl)) throw new ApiError(422, 'invalid_domain', 'This is Keyway’s own domain; give your own.');
    if (domain) {
      const owner = await db.selectFrom('brands').select('tenant_id').where('domain', '=', domain).executeTakeFirst();
      if (owner && owner.tenant_id !== tenantId) throw new ApiError(409, 'domain_taken', 'Another tenant already uses this domain.');
    }
    const values = { domain, settings_json: JSON.stringify(settings), updated_at: services.clock() };
    await db
      .insertInto('brands')
      .values({ tenant_id: tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
    forgetBrands(db);
    return c.json(settings);
  });

  app.delete('/brand', async (c) => {
    const result = await db.deleteFrom('brands').where('tenant_id', '=', c.get('tenantId')).executeTakeFirst();
    forgetBrands(db);
    if (Number(result.numDeletedRows) !== 1) throw new ApiError(404, 'brand_not_found', 'No brand is set.');
    return c.body(null, 204);
  });

  return app;
}
