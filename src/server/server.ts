import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Brand } from '../protocol/index.js';
import { createApp } from './app.js';
import { humanLogger, type Logger } from './logger.js';
import { brandOfTenant } from './brands.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, type Config } from './config.js';
import type { AppEnv, Services } from './context.js';
import { errorBody } from './errors.js';
import { FlowEngine } from './flows/engine.js';
import type { ProviderEntry } from './providers/adapter.js';
import { buildCatalogue } from './providers/catalogue.js';
import { loadProviderFile } from './providers/provider-file.js';
import { DEFAULT_TOKEN_LIFETIMES, type TokenLifetimes } from './oauth2/lifetimes.js';
import { TokenService } from './oauth2/tokens.js';
import { clientAddressOf } from './security/client-address.js';
import { DEFAULT_LIMITS, RateLimits, type LimitRules } from './security/rate-limits.js';
import { Sealer } from './security/sealer.js';
import { httpDrainer, HTTP_TIMEOUTS, settlesWithin } from './shutdown.js';
import { openStore, type Store } from './store/database.js';
import { startRenewalWorker } from './accounts/renewal.js';
import { startLinkExpiryWorker } from './flows/link-expiry.js';
import { DEFAULT_OUTBOX_RETENTION_DAYS, startOutboxRetention } from './jobs/outbox-retention.js';
import { PasswordSignIn } from './identity/password-sign-in.js';
import type { LockoutRules } from './identity/password-lockout.js';
import { SignInFlow } from './identity/signin-flow.js';
import { signInMail } from './identity/signin-mail.js';
import { newMagicLink } from './identity/signin-links.js';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from './webhooks/worker.js';
import { DemoInbox, smtpTransport } from './messages/mail-transport.js';
import { startMailWorker, type MailWorker, type MailWorkerOptions } from './messages/mailer.js';
import { messageDelivery } from './messages/message-delivery.js';
import { KeywayMetrics } from './metrics/metrics.js';

export const DEFAULT_BRAND: Brand = { name: 'Keyway' };
/** The built wizard: `dist/widget` beside `dist/src/server`, or under the package root when run from source. */
export const DEFAULT_WIDGET_DIR = [new URL('../../widget', import.meta.url), new URL('../../dist/widget', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../dist/widget', import.meta.url));

export interface RunningKeyway {
  url: string;
  port: number;
  services: Services;
  worker: WebhookWorker;
  mail: MailWorker;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Lines in the human format (request lines batched per event-loop turn); `logger` takes precedence. */
  log?: (line: string) => void;
  /** Where every line goes, requests included (the CLI's, in the configured format). */
  logger?: Logger;
  clock?: () => number;
  widgetDir?: string;
  webhooks?: Partial<Pick<WebhookWorkerOptions, 'backoffMs' | 'maxAttempts' | 'timeoutMs' | 'connectTimeoutMs' | 'pollMs' | 'lookup'>>;
  mail?: Partial<Pick<MailWorkerOptions, 'backoffMs' | 'maxAttempts' | 'sendTimeoutMs' | 'pollMs'>>;
  /** Routes that need the running services (the demo). */
  extraRoutes?: (services: Services, internalUrl: string) => Hono<AppEnv>[];
}

/** Wires the services routes use; the HTTP server and the worker are the caller's. */
export function createServices(options: {
  store: Store;
  sealer: Sealer;
  demo: boolean;
  providers?: ProviderEntry[];
  publicUrl: string;
  clock: () => number;
  onWebhookQueued?: () => void;
  widgetDir?: string | undefined;
  shutdown?: AbortSignal;
  /** Accept notify_url on loopback and private addresses; off by default. */
  allowPrivateWebhooks?: boolean;
  /** Default: the built-in limits. */
  rateLimits?: LimitRules | 'off';
  trustedProxies?: number;
  /** Default: the built-in token lifetimes. */
  tokenLifetimes?: TokenLifetimes;
  /** Default: DEFAULT_LOCKOUT (5 per account, 20 per address). */
  passwordLockout?: LockoutRules;
  /** Called after a commit that queued a mail (the mail worker's kick). */
  onMailQueued?: () => void;
  /** Demo mode without SMTP: where the mail worker puts mail, for the demo page. */
  demoInbox?: DemoInbox;
  /** Turns metrics on (`GET /metrics`), behind the token when one is given. */
  metrics?: { token?: string | undefined };
}): Services {
  const { store, sealer, publicUrl, clock } = options;
  const limits = new RateLimits(store, options.rateLimits ?? DEFAULT_LIMITS);
  const catalogue = buildCatalogue({ demo: options.demo, ...(options.providers ? { configured: options.providers } : {}) });
  const brandFor = async (tenantId: string) => (await brandOfTenant(store.db, tenantId))?.brand ?? DEFAULT_BRAND;
  const passwords = new PasswordSignIn(store.db, undefined, options.passwordLockout);
  const signIn = new SignInFlow({
    db: store.db,
    sealer,
    clock,
    issuer: publicUrl,
    limits,
    passwords,
    mail: signInMail({ sealer }),
    brandFor,
    newLink: newMagicLink(publicUrl),
    ...(options.onMailQueued ? { onMailQueued: options.onMailQueued } : {}),
    ...(options.onWebhookQueued ? { onWebhookQueued: options.onWebhookQueued } : {}),
  });
  const metrics = options.metrics ? new KeywayMetrics(store.db, clock) : undefined;
  const engine = new FlowEngine({
    store,
    sealer,
    catalogue,
    brandFor,
    publicUrl,
    clock,
    limits,
    signIn,
    ...(options.onWebhookQueued ? { onWebhookQueued: options.onWebhookQueued } : {}),
    ...(metrics ? { observer: metrics } : {}),
  });
  return {
    store,
    sealer,
    catalogue,
    engine,
    publicUrl,
    clock,
    allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
    widgetDir: options.widgetDir ?? DEFAULT_WIDGET_DIR,
    shutdown: options.shutdown ?? new AbortController().signal,
    limits,
    clientAddress: clientAddressOf(options.trustedProxies ?? 0),
    tokens: new TokenService({ db: store.db, sealer, issuer: publicUrl, clock, lifetimes: options.tokenLifetimes ?? DEFAULT_TOKEN_LIFETIMES }),
    passwords,
    ...(options.onMailQueued ? { onMailQueued: options.onMailQueued } : {}),
    ...(options.onWebhookQueued ? { onWebhookQueued: options.onWebhookQueued } : {}),
    ...(options.demoInbox ? { demoInbox: options.demoInbox } : {}),
    ...(metrics ? { metrics: { collector: metrics, ...(options.metrics?.token ? { token: options.metrics.token } : {}) } } : {}),
  };
}

/** Opens the store, starts the webhook and mail workers and the HTTP server. */
export async function startKeyway(config: Config, options: StartOptions = {}): Promise<RunningKeyway> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? (options.log ? humanLogger(options.log) : undefined);
  const log = logger ? (line: string) => logger.info(line) : undefined;
  // A bad provider file stops the start with its problems listed, before anything listens.
  const providers = config.providersFile ? loadProviderFile(config.providersFile) : [];
  // Listen first so that port 0 (tests) resolves to a real port before URLs are built from it.
  let app: Hono<AppEnv> | undefined;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve({ fetch: (request) => (app ? app.fetch(request) : starting()), port: config.port, hostname: config.host, serverOptions: HTTP_TIMEOUTS }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
  const http = httpDrainer(server as HttpServer);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const publicUrl = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  const internalUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let store: Store;
  try {
    store = await openStore({ url: config.databaseUrl, ...(log ? { log } : {}) });
  } catch (error) {
    server.close();
    throw error;
  }
  const sealer = new Sealer(config.encryptionKey);
  const worker = startWebhookWorker({ store, sealer, clock, pollMs: config.webhookPollMs, allowPrivate: config.allowPrivateWebhooks, ...(log ? { log } : {}), ...options.webhooks });
  // Demo mode with no SMTP server: mail goes to the demo page's inbox instead.
  const demoInbox = config.demo && !config.smtpUrl ? new DemoInbox(clock) : undefined;
  const settle = { message: messageDelivery({ onWebhookQueued: () => worker.kick() }) };
  const mail = startMailWorker({ store, sealer, clock, from: config.mailFrom, transport: config.smtpUrl ? smtpTransport(config.smtpUrl) : demoInbox, settle, ...(log ? { log } : {}), ...options.mail });
  const shutdown = new AbortController();
  const services = createServices({ store, sealer, demo: config.demo, providers, publicUrl, clock, onWebhookQueued: () => worker.kick(), widgetDir: options.widgetDir, shutdown: shutdown.signal, allowPrivateWebhooks: config.allowPrivateWebhooks, rateLimits: config.rateLimits, trustedProxies: config.trustedProxies, tokenLifetimes: config.tokenLifetimes, onMailQueued: () => mail.kick(), demoInbox, ...(config.metrics ? { metrics: config.metrics } : {}) });
  const renewal = startRenewalWorker({ store, sealer, catalogue: services.catalogue, clock, onWebhookQueued: () => worker.kick(), ...(log ? { log } : {}) });
  const linkExpiry = startLinkExpiryWorker({ store, clock, onWebhookQueued: () => worker.kick(), ...(log ? { log } : {}) });
  const retention = startOutboxRetention({ store, clock, retentionDays: config.outboxRetentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS, ...(log ? { log } : {}) });
  // Hourly after this; the first pass now, so instances that restart often still clean up.
  retention.kick();
  app = createApp(services, {
    ...(logger ? { logger } : {}),
    extraRoutes: options.extraRoutes?.(services, internalUrl) ?? [],
  });

  let closing: Promise<void> | undefined;
  return {
    url: publicUrl,
    port,
    services,
    worker,
    mail,
    close() {
      closing ??= stop();
      return closing;
    },
  };

  /**
   * Readiness turns 503 and event streams end with their last event (both watch `shutdown`); the
   * workers stop at once, releasing their leases so another instance takes their work, while HTTP
   * requests in flight get the grace period. Then the store closes. Every wait is bounded.
   */
  async function stop(): Promise<void> {
    const graceMs = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    const started = Date.now();
    shutdown.abort();
    const workersStopped = Promise.all([worker.stop(), mail.stop(), renewal.stop(), linkExpiry.stop(), retention.stop()]);
    if (!(await http.drain(graceMs))) log?.('[keyway] grace period over: closing the connections still open');
    // Even with no grace, stop() gets a moment to release the leases of work in progress.
    const workersLeftMs = Math.max(0, Math.max(graceMs, WORKER_STOP_MIN_MS) - (Date.now() - started));
    if (!(await settlesWithin(workersStopped, workersLeftMs))) log?.('[keyway] background workers did not stop in time; their leases will lapse');
    await settlesWithin(store.close(), STORE_CLOSE_MS);
  }
}

const WORKER_STOP_MIN_MS = 1000;
const STORE_CLOSE_MS = 2000;

function starting(): Response {
  return Response.json(errorBody('starting', 'Keyway is starting.'), { status: 503, headers: { 'Retry-After': '1' } });
}
