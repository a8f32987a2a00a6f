import { Hono } from 'hono';
import type { AppEnv, Services } from './context.js';
import { errorBody, handleError } from './errors.js';
import { MAX_BODY_BYTES } from './validate.js';
import { bodySizeLimit } from './middleware/body-size.js';
import { requestLog } from './middleware/request-log.js';
import { humanLogger, type Logger } from './logger.js';
import { baselineHeaders } from './security/headers.js';
import { flowApiCors, publicAssetCors } from './security/cors.js';
import { accountRoutes } from './routes/accounts.js';
import { brandRoutes } from './routes/brand.js';
import { flowRoutes } from './routes/flows.js';
import { healthRoutes } from './routes/health.js';
import { hostedRoutes } from './routes/hosted.js';
import { linkRoutes } from './routes/links.js';
import { loginUrlRoutes } from './routes/login-url.js';
import { authorizeRoutes } from './routes/authorize.js';
import { tenantWebhookRoutes } from './routes/tenant-webhook.js';
import { tenantMfaRoutes } from './routes/tenant-mfa.js';
import { settingsOnboardingRoutes } from './routes/settings-onboarding.js';
import { oauthRoutes } from './routes/oauth.js';
import { oauth2Routes } from './routes/oauth2.js';
import { openApiRoutes } from './routes/openapi.js';
import { pairingRoutes } from './routes/pairing.js';
import { usersSelfRoutes } from './routes/users-self.js';
import { oauthClientRoutes } from './routes/oauth-clients.js';
import { userRoutes } from './routes/users.js';
import { userTokenRoutes } from './routes/user-token.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';

export interface AppOptions {
  /** One human line per request, written at once (tests); a server passes `logger`. */
  log?: (line: string) => void;
  /** Where request records go, in the human or the JSON format. */
  logger?: Logger;
  /** Extra routes mounted at the root (the demo host app). */
  extraRoutes?: Hono<AppEnv>[];
}

export function createApp(services: Services, options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (services.metrics) app.use('*', services.metrics.collector.httpTimer);
  const requestLogger = options.logger ?? (options.log ? humanLogger(options.log, { batchRequests: false }) : undefined);
  if (requestLogger) app.use('*', requestLog(requestLogger));
  app.use('*', baselineHeaders());
  app.use('/api/*', async function apiHeaders(c, next) {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  });

  // Every route refuses oversized bodies while they stream in, before anything buffers them.
  app.use('*', bodySizeLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errorBody('payload_too_large', 'The body is larger than 64 KB.'), 413) }));
  // The wizard placed directly in a host page calls the flow API across origins (see security/cors.ts).
  app.use('/api/v1/flows', flowApiCors(services));
  app.use('/api/v1/flows/*', flowApiCors(services));
  app.use('/assets/*', publicAssetCors());

  app.route('/', healthRoutes(services));
  app.route('/', metricsRoutes(services));
  app.route('/api/v1', linkRoutes(services));
  app.route('/api/v1', accountRoutes(services));
  app.route('/api/v1', loginUrlRoutes(services));
  app.route('/api/v1', tenantWebhookRoutes(services));
  app.route('/api/v1', tenantMfaRoutes(services));
  app.route('/api/v1', settingsOnboardingRoutes(services));
  app.route('/api/v1', userRoutes(services));
  app.route('/api/v1', userTokenRoutes(services));
  app.route('/api/v1', messageRoutes(services));
  app.route('/api/v1', oauthClientRoutes(services));
  app.route('/api/v1', brandRoutes(services));
  app.route('/api/v1', openApiRoutes(services.publicUrl));
  app.route('/api/v1/flows', flowRoutes(services));
  app.route('/', authorizeRoutes(services));
  app.route('/', hostedRoutes(services));
  app.route('/', pairingRoutes(services));
  app.route('/', oauthRoutes(services));
  app.route('/', oauth2Routes(services));
  app.route('/', usersSelfRoutes(services));
  for (const routes of options.extraRoutes ?? []) app.route('/', routes);

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError(handleError);
  return app;
}
