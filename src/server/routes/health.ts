import { Hono } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { ApiError, databaseUnavailable, handleError } from '../errors.js';

/** A load balancer checks often and gives up quickly; a database slower than this is as good as down. */
export const READY_PING_TIMEOUT_MS = 1000;
/** A stopping instance does not come back; this only spaces out the probes until it is gone. */
const STOPPING_RETRY_AFTER_SECONDS = 5;

/**
 * `/healthz` is liveness (the process answers; restarting it would not help a database outage),
 * `/readyz` is readiness: whether this instance should get traffic now. It says no while the
 * database does not answer and once shutdown has begun, so the instance is drained, not killed.
 */
export function healthRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (services.shutdown.aborted) {
      return handleError(new ApiError(503, 'stopping', 'This instance is shutting down.', undefined, STOPPING_RETRY_AFTER_SECONDS), c);
    }
    try {
      await services.store.ping(READY_PING_TIMEOUT_MS);
    } catch {
      // Whatever made the ping fail, this instance cannot serve now; the outage is logged where requests meet it.
      return handleError(databaseUnavailable(), c);
    }
    return c.json({ status: 'ready' });
  });

  return app;
}
