import { Hono } from 'hono';
import { OpenFlowRequest, StepInput } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { flowTokenAuth } from '../middleware/flow-token.js';
import { flowEvents } from './flow-events.js';
import { parseJsonBody } from '../validate.js';

/** The public flow API the wizard (or a host's own UI) drives. */
export function flowRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { limits } = services;

  app.post('/', async (c) => {
    const address = services.clientAddress(c);
    await limits.consume('flow_open', address);
    const request = await parseJsonBody(c, OpenFlowRequest);
    try {
      if ('userToken' in request) {
        const returnTo = request.closeOnboardingRedirect === undefined ? {} : { returnTo: request.closeOnboardingRedirect };
        const onboarding = request.openOnboarding ? { openOnboarding: true } : {};
        return c.json(await services.engine.openWithUserToken(request.userToken, { host: c.req.header('host'), ...returnTo, ...onboarding }), 201);
      }
      return c.json(await services.engine.open(request.link, c.req.header('host')), 201);
    } catch (error) {
      // Unknown, used and expired links all count: each is a token someone tried.
      if (error instanceof ApiError && error.status < 500) throw (await limits.count('link_token_failures', address)) ?? error;
      throw error;
    }
  });

  app.use('/current', flowTokenAuth());
  app.use('/current/*', flowTokenAuth());

  app.get('/current', async (c) => c.json(await services.engine.current(c.get('flowToken'))));

  app.get('/current/events', (c) => flowEvents(c, services));

  app.post('/current/steps', async (c) => {
    const input = await parseJsonBody(c, StepInput);
    return c.json(await services.engine.submit(c.get('flowToken'), input, { address: services.clientAddress(c) }));
  });

  return app;
}
