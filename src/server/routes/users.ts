import { Hono } from 'hono';
import { UserCreateRequest, UserListQuery, UserPasswordRequest, UserStatusRequest, UserUpdateRequest, type UserDeleted, type UserList } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { createUser, deleteUser, findUser, listUsers, setUserStatus, updateUser, userNotFound, userView } from '../identity/users.js';
import type { UserTable } from '../store/schema.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody, parseWith } from '../validate.js';

const DEFAULT_PAGE = 20;

/** The tenant's own users (seed 004): list and filter, read, create, update, activate or deactivate, set a password, delete. */
export function userRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  const view = async (row: UserTable) => userView(row, await services.passwords.lockoutView(row, services.clock()));
  app.use('/users', apiKeyAuth(services));
  app.use('/users/*', apiKeyAuth(services));

  app.get('/users', async (c) => {
    const query = parseWith(UserListQuery, c.req.query());
    const page = await listUsers(db, c.get('tenantId'), { ...query, limit: query.limit ?? DEFAULT_PAGE });
    const lockouts = await services.passwords.lockoutViews(page.rows, services.clock());
    const items = page.rows.map((row) => userView(row, lockouts.get(row.id) ?? { failed_sign_ins: 0, locked_until: null }));
    const body: UserList = { object: 'UserList', items, cursor: page.cursor };
    return c.json(body);
  });

  app.post('/users', async (c) => {
    const request = await parseJsonBody(c, UserCreateRequest);
    const row = await createUser(db, c.get('tenantId'), request, services.clock());
    return c.json(await view(row), 201);
  });

  app.get('/users/:id', async (c) => {
    const row = await findUser(db, c.get('tenantId'), c.req.param('id'));
    if (!row) throw userNotFound();
    return c.json(await view(row));
  });

  app.put('/users/:id', async (c) => {
    const changes = await parseJsonBody(c, UserUpdateRequest);
    const row = await updateUser(db, c.get('tenantId'), c.req.param('id'), changes, services.clock());
    return c.json(await view(row));
  });

  app.put('/users/:id/status', async (c) => {
    const { status } = await parseJsonBody(c, UserStatusRequest);
    const row = await setUserStatus(db, c.get('tenantId'), c.req.param('id'), status, services.clock());
    return c.json(await view(row));
  });

  // The password never comes back, in this answer or any other; has_password says that there is one.
  app.put('/users/:id/password', async (c) => {
    const { password } = await parseJsonBody(c, UserPasswordRequest);
    await services.passwords.setPassword(c.get('tenantId'), c.req.param('id'), password, services.clock());
    return c.body(null, 204);
  });

  app.delete('/users/:id/password', async (c) => {
    await services.passwords.removePassword(c.get('tenantId'), c.req.param('id'), services.clock());
    return c.body(null, 204);
  });

  app.delete('/users/:id', async (c) => {
    const id = c.req.param('id');
    await deleteUser(db, c.get('tenantId'), id, services.clock());
    const body: UserDeleted = { object: 'UserDeleted', id };
    return c.json(body);
  });

  return app;
}
