import { Hono } from 'hono';
import { AccountListQuery, type Account, type AccountDeleted, type AccountList } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import type { AccountTable } from '../store/schema.js';
import { decodeCursor, encodeCursor } from '../store/keyset.js';
import { parseWith } from '../validate.js';

const DEFAULT_PAGE = 20;

function accountView(row: Pick<AccountTable, 'id' | 'provider' | 'name' | 'status' | 'created_at' | 'updated_at'>): Account {
  return {
    object: 'Account',
    id: row.id,
    provider: row.provider,
    name: row.name,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** Tenant-scoped accounts: list (newest first, paginated), read, delete. */
export function accountRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  const columns = ['id', 'provider', 'name', 'status', 'created_at', 'updated_at'] as const;
  app.use('/accounts', apiKeyAuth(services));
  app.use('/accounts/*', apiKeyAuth(services));

  app.get('/accounts', async (c) => {
    const query = parseWith(AccountListQuery, c.req.query());
    const limit = query.limit ?? DEFAULT_PAGE;
    let select = db.selectFrom('accounts').select(columns).where('tenant_id', '=', c.get('tenantId'));
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      select = select.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const body: AccountList = { object: 'AccountList', items: page.map(accountView), cursor: rows.length > limit && last ? encodeCursor(last) : null };
    return c.json(body);
  });

  app.get('/accounts/:id', async (c) => {
    const row = await db.selectFrom('accounts').select(columns).where('id', '=', c.req.param('id')).where('tenant_id', '=', c.get('tenantId')).executeTakeFirst();
    if (!row) throw new ApiError(404, 'account_not_found', 'No account of yours has this id.');
    return c.json(accountView(row));
  });

  app.delete('/accounts/:id', async (c) => {
    const id = c.req.param('id');
    const result = await db.deleteFrom('accounts').where('id', '=', id).where('tenant_id', '=', c.get('tenantId')).executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) throw new ApiError(404, 'account_not_found', 'No account of yours has this id.');
    const body: AccountDeleted = { object: 'AccountDeleted', id };
    return c.json(body);
  });

  return app;
}
