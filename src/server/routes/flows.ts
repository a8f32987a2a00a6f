import { Hono } from 'hono';
import { OpenFlowRequest, StepInput } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { normaliseHost } from '../brands.js';
import { flowTokenAuth } from '../middleware/flow-token.js';
import { flowEvents } from './flow-events.js';
import { parseJsonBody } from '../validate.js';

/** The public flow API the wizard (or a host's own UI) drives. */
export function flowRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const { link } = await parseJsonBody(c, OpenFlowRequest);
    return c.json(await services.engine.open(link, normaliseHost(c.req.header('host'), services.publicUrl)), 201);
  });

  app.use('/current', flowTokenAuth());
  app.use('/current/*', flowTokenAuth());

  app.get('/current', async (c) => c.json(await services.engine.current(c.get('flowToken'))));

  app.get('/current/events', (c) => flowEvents(c, services));

  app.post('/current/steps', async (c) => {
    const input = await parseJsonBody(c, StepInput);
    return c.json(await services.engine.submit(c.get('flowToken'), input));
  });

  return app;
}
