import { Hono } from 'hono';
import { UserCreateRequest, UserListQuery, UserStatusRequest, UserUpdateRequest, type UserDeleted, type UserList } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { createUser, deleteUser, findUser, listUsers, setUserStatus, updateUser, userNotFound, userView } from '../identity/users.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody, parseWith } from '../validate.js';

const DEFAULT_PAGE = 20;

/** The tenant's own users (seed 004): list and filter, read, create, update, activate or deactivate, delete. */
export function userRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/users', apiKeyAuth(services));
  app.use('/users/*', apiKeyAuth(services));

  app.get('/users', async (c) => {
    const query = parseWith(UserListQuery, c.req.query());
    const page = await listUsers(db, c.get('tenantId'), { ...query, limit: query.limit ?? DEFAULT_PAGE });
    const body: UserList = { object: 'UserList', items: page.rows.map((row) => userView(row)), cursor: page.cursor };
    return c.json(body);
  });

  app.post('/users', async (c) => {
    const request = await parseJsonBody(c, UserCreateRequest);
    const row = await createUser(db, c.get('tenantId'), request, services.clock());
    return c.json(userView(row), 201);
  });

  app.get('/users/:id', async (c) => {
    const row = await findUser(db, c.get('tenantId'), c.req.param('id'));
    if (!row) throw userNotFound();
    return c.json(userView(row));
  });

  app.put('/users/:id', async (c) => {
    const changes = await parseJsonBody(c, UserUpdateRequest);
    const row = await updateUser(db, c.get('tenantId'), c.req.param('id'), changes, services.clock());
    return c.json(userView(row));
  });

  app.put('/users/:id/status', async (c) => {
    const { status } = await parseJsonBody(c, UserStatusRequest);
    const row = await setUserStatus(db, c.get('tenantId'), c.req.param('id'), status, services.clock());
    return c.json(userView(row));
  });

  app.delete('/users/:id', async (c) => {
    const id = c.req.param('id');
    await deleteUser(db, c.get('tenantId'), id, services.clock());
    const body: UserDeleted = { object: 'UserDeleted', id };
    return c.json(body);
  });

  return app;
}
