import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Brand } from '../protocol/index.js';
import { createApp } from './app.js';
import { brandOfTenant } from './brands.js';
import type { Config } from './config.js';
import type { AppEnv, Services } from './context.js';
import { FlowEngine } from './flows/engine.js';
import type { ProviderEntry } from './providers/adapter.js';
import { buildCatalogue } from './providers/catalogue.js';
import { loadProviderFile } from './providers/provider-file.js';
import { Sealer } from './security/sealer.js';
import { openStore, type Store } from './store/database.js';
import { startRenewalWorker } from './accounts/renewal.js';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from './webhooks/worker.js';

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
  close(): Promise<void>;
}

export interface StartOptions {
  log?: (line: string) => void;
  clock?: () => number;
  widgetDir?: string;
  webhooks?: Partial<Pick<WebhookWorkerOptions, 'backoffMs' | 'maxAttempts' | 'timeoutMs' | 'connectTimeoutMs' | 'pollMs' | 'lookup'>>;
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
}): Services {
  const { store, sealer, publicUrl, clock } = options;
  const catalogue = buildCatalogue({ demo: options.demo, ...(options.providers ? { configured: options.providers } : {}) });
  const brandFor = async (tenantId: string) => (await brandOfTenant(store.db, tenantId))?.brand ?? DEFAULT_BRAND;
  const engine = new FlowEngine({ store, sealer, catalogue, brandFor, publicUrl, clock, ...(options.onWebhookQueued ? { onWebhookQueued: options.onWebhookQueued } : {}) });
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
  };
}

/** Opens the store, starts the webhook worker and the HTTP server. */
export async function startKeyway(config: Config, options: StartOptions = {}): Promise<RunningKeyway> {
  const clock = options.clock ?? Date.now;
  // A bad provider file stops the start with its problems listed, before anything listens.
  const providers = config.providersFile ? loadProviderFile(config.providersFile) : [];
  // Listen first so that port 0 (tests) resolves to a real port before URLs are built from it.
  let app: Hono<AppEnv> | undefined;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve({ fetch: (request) => (app ? app.fetch(request) : new Response('starting', { status: 503 })), port: config.port, hostname: config.host }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const publicUrl = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  const internalUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let store: Store;
  try {
    store = await openStore({ url: config.databaseUrl });
  } catch (error) {
    server.close();
    throw error;
  }
  const sealer = new Sealer(config.encryptionKey);
  const worker = startWebhookWorker({ store, sealer, clock, pollMs: config.webhookPollMs, allowPrivate: config.allowPrivateWebhooks, ...(options.log ? { log: options.log } : {}), ...options.webhooks });
  const shutdown = new AbortController();
  const services = createServices({ store, sealer, demo: config.demo, providers, publicUrl, clock, onWebhookQueued: () => worker.kick(), widgetDir: options.widgetDir, shutdown: shutdown.signal, allowPrivateWebhooks: config.allowPrivateWebhooks });
  const renewal = startRenewalWorker({ store, sealer, catalogue: services.catalogue, clock, onWebhookQueued: () => worker.kick(), ...(options.log ? { log: options.log } : {}) });
  app = createApp(services, {
    ...(options.log ? { log: options.log } : {}),
    extraRoutes: options.extraRoutes?.(services, internalUrl) ?? [],
  });

  return {
    url: publicUrl,
    port,
    services,
    worker,
    async close() {
      shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as HttpServer).closeIdleConnections();
      await closed;
      await Promise.all([worker.stop(), renewal.stop()]);
      await store.close();
    },
  };
}
