import { Hono } from 'hono';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { safeEqual } from '../security/tokens.js';

/**
 * `GET /metrics` in Prometheus's text format, mounted only when metrics are on. With a token set, the
 * scraper sends it as `Authorization: Bearer`; without one the endpoint is open, for a private network.
 */
export function metricsRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const metrics = services.metrics;
  if (!metrics) return app;
  app.get('/metrics', async (c) => {
    if (metrics.token !== undefined) {
      const presented = /^Bearer (\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!safeEqual(presented, metrics.token)) {
        c.header('WWW-Authenticate', 'Bearer realm="keyway-metrics"');
        throw new ApiError(401, 'invalid_metrics_token', 'Send the metrics token as "Authorization: Bearer <token>".');
      }
    }
    const { contentType, body } = await metrics.collector.scrape();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
  return app;
}
