import { Hono } from 'hono';
import { OAuthClientRequest, type OAuthClientDeleted, type OAuthClientList } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { clientNotFound, clientView, createClient, findClient, listClients, revokeClient } from '../identity/clients.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody } from '../validate.js';

/** The tenant's OAuth clients: register (the secret is shown once), list and read (never the secret), revoke. */
export function oauthClientRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/oauth/clients', apiKeyAuth(services));
  app.use('/oauth/clients/*', apiKeyAuth(services));

  app.post('/oauth/clients', async (c) => {
    const request = await parseJsonBody(c, OAuthClientRequest);
    const { row, clientSecret } = await createClient(db, c.get('tenantId'), request, services.clock());
    return c.json(clientView(row, clientSecret), 201);
  });

  app.get('/oauth/clients', async (c) => {
    const rows = await listClients(db, c.get('tenantId'));
    const body: OAuthClientList = { object: 'OAuthClientList', items: rows.map((row) => clientView(row)) };
    return c.json(body);
  });

  app.get('/oauth/clients/:id', async (c) => {
    const row = await findClient(db, c.get('tenantId'), c.req.param('id'));
    if (!row) throw clientNotFound();
    return c.json(clientView(row));
  });

  app.delete('/oauth/clients/:id', async (c) => {
    const id = c.req.param('id');
    await revokeClient(db, c.get('tenantId'), id, services.clock());
    const body: OAuthClientDeleted = { object: 'OAuthClientDeleted', id };
    return c.json(body);
  });

  return app;
}
