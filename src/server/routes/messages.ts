import { Hono } from 'hono';
import { MessageCreateRequest, MessageQuery, type MessageList, type MessageLookup } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { findMessage, findMessageByToken, listClientMessages, sendMessage } from '../messages/messages.js';
import { messageView } from '../messages/message-view.js';
import { parseJsonBody, parseWith } from '../validate.js';

const DEFAULT_PAGE = 20;

function messageNotFound(): ApiError {
  return new ApiError(404, 'message_not_found', 'No message of yours has this id.');
}

/**
 * Messages to the tenant's users (seed 000): send one (mail with a token in every link), identify
 * the client by a token, list a client's messages, read one. Reading never uses up a token.
 */
export function messageRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/messages', apiKeyAuth(services));
  app.use('/messages/*', apiKeyAuth(services));

  // The token comes back in this answer only: Keyway keeps its hash, and the API key that asked
  // could already sign this user in (a login_url), so showing it to that key gives nothing away.
  app.post('/messages', async (c) => {
    const request = await parseJsonBody(c, MessageCreateRequest);
    const sent = await sendMessage({ db, sealer: services.sealer }, c.get('tenantId'), request, services.clock());
    services.onMailQueued?.();
    return c.json(messageView(sent.row, sent.token, services.clock()), 201);
  });

  app.get('/messages', async (c) => {
    const query = parseWith(MessageQuery, c.req.query());
    const tenantId = c.get('tenantId');
    if (query.token !== undefined) {
      // A 122-bit UUID is not guessed, but a key that keeps missing is cut off all the same. An
      // unknown token and another tenant's read the same: one indexed lookup, the same empty answer.
      const limitKey = `tenant:${tenantId}`;
      await services.limits.check('message_token_failures', limitKey);
      const row = await findMessageByToken(db, tenantId, query.token);
      if (!row) {
        const over = await services.limits.count('message_token_failures', limitKey);
        if (over) throw over;
      }
      const body: MessageLookup = { messages: row ? [messageView(row, query.token.toLowerCase(), services.clock())] : [] };
      return c.json(body);
    }
    const page = await listClientMessages(db, tenantId, { clientId: query.clientId as string, limit: query.limit ?? DEFAULT_PAGE, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
    const now = services.clock();
    const body: MessageList = { messages: page.rows.map((row) => messageView(row, null, now)), cursor: page.cursor };
    return c.json(body);
  });

  app.get('/messages/:id', async (c) => {
    const row = await findMessage(db, c.get('tenantId'), c.req.param('id'));
    if (!row) throw messageNotFound();
    return c.json(messageView(row, null, services.clock()));
  });

  return app;
}
