import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { OAuthClientRequest } from '../protocol/index.js';
import { demoRoutes } from '../../demo/server.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, loadConfig, type Config } from './config.js';
import { createClient } from './identity/clients.js';
import { isHttpUrl } from '../protocol/url-rules.js';
import { obviousPrivateDestination } from './security/outbound.js';
import { startKeyway, type RunningKeyway } from './server.js';
import { createLogger, routeConsoleTo } from './logger.js';
import { openStore } from './store/database.js';
import { createApiKey, revokeApiKeys } from './store/tenants.js';
import { createKey, KEYS_USAGE, listKeys, revokeKey, rotateSigning } from './cli/keys.js';
import { createLink, LINKS_USAGE } from './cli/links.js';
import { listWebhooks, redeliverWebhook, WEBHOOKS_USAGE } from './cli/webhooks.js';

const USAGE = `Usage:
  keyway start [--demo]                       start the server (--demo: demo provider and the demo app at /demo)
${KEYS_USAGE}
${LINKS_USAGE}
${WEBHOOKS_USAGE}
  keyway clients create --tenant NAME --redirect-uri URI [--redirect-uri URI…] [--name NAME] [--public]
                        [--grant authorization_code|refresh_token|password …]
                                              register an OAuth client (default grants: authorization_code, refresh_token)
  keyway tenants webhook --tenant NAME (--url URL | --clear)
                                              where the tenant's sign-in events (USER_SIGNED_IN, REFRESH_TOKEN_REUSED) go

Environment: KEYWAY_PORT (or PORT), KEYWAY_HOST, KEYWAY_PUBLIC_URL, KEYWAY_DATA_DIR,
KEYWAY_DATABASE_URL (postgres://…; default SQLite in the data directory), KEYWAY_ENCRYPTION_KEY, KEYWAY_DEMO=1,
KEYWAY_SHUTDOWN_GRACE_MS (how long SIGTERM lets requests finish; default 10000),
KEYWAY_ALLOW_PRIVATE_WEBHOOKS=1 (webhooks may reach loopback and private addresses; on in demo mode),
KEYWAY_TOKEN_LIFETIMES (seconds, e.g. access_token=600,refresh_idle=1209600),
KEYWAY_LOG_FORMAT (human, the default, or json: one JSON object per line)`;

const DEMO_TENANT = 'demo';

function describeDatabase(config: Config): string {
  return /^postgres/.test(config.databaseUrl) ? 'PostgreSQL' : `SQLite ${config.databaseUrl}`;
}

async function start(demo: boolean): Promise<void> {
  const { config, warnings } = loadConfig(process.env, demo ? { demo: true } : {});
  const logger = createLogger(config.logFormat ?? 'human');
  if (config.logFormat === 'json') routeConsoleTo(logger);
  for (const warning of warnings) logger.warn(`[keyway] warning: ${warning.message}`);
  let demoKey: { apiKey: string } | undefined;
  const keyway = await startKeyway(config, {
    logger,
    extraRoutes: config.demo
      ? (services, internalUrl) => [demoRoutes({ services, internalUrl, apiKey: () => demoKey?.apiKey ?? '', tenantName: DEMO_TENANT })]
      : undefined,
  });
  if (config.demo) {
    try {
      demoKey = await freshDemoKey(keyway);
    } catch (error) {
      // A server that cannot finish starting must not keep running half-started.
      await keyway.close();
      throw error;
    }
  }
  console.log(`Keyway listening on ${keyway.url} (${describeDatabase(config)}) in ${Math.round(process.uptime() * 1000)} ms`);
  if (config.demo && demoKey) {
    console.log(`Demo: ${keyway.url}/demo (demo mode: the demo provider is on)`);
    console.log(`API key: ${demoKey.apiKey}`);
  }
  stopOnSignals(keyway.close, config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
}

/**
 * A fresh demo key at every start; keys from earlier starts stop working, but not one that another
 * instance starting at the same moment on the same database has just made.
 */
async function freshDemoKey(keyway: RunningKeyway): Promise<{ apiKey: string }> {
  const { db } = keyway.services.store;
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  const tenant = await db.selectFrom('tenants').select('id').where('name', '=', DEMO_TENANT).executeTakeFirst();
  if (tenant) await revokeApiKeys(db, tenant.id, 'demo', Date.now(), { createdBefore: startedAt });
  return createApiKey(db, keyway.services.sealer, { tenantName: DEMO_TENANT, label: 'demo', now: Date.now() });
}

/** The first SIGTERM or SIGINT shuts down gracefully; a second one (an impatient operator) exits at once. */
function stopOnSignals(close: () => Promise<void>, graceMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`Keyway stopping now (second ${signal})`);
      // The shell's convention for "ended by a signal": 128 + its number.
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    const started = performance.now();
    console.log(`Keyway stopping (grace ${graceMs / 1000} s)`);
    close().then(
      () => {
        console.log(`Keyway stopped in ${Math.round(performance.now() - started)} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[keyway] shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** `keyway tenants webhook --tenant NAME (--url URL | --clear)`: where the tenant's sign-in events go. */
async function setTenantWebhook(args: string[]): Promise<number> {
  const problem = (message: string) => {
    console.error(`keyway tenants webhook: ${message}\n\n${USAGE}`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({ args, options: { tenant: { type: 'string' }, url: { type: 'string' }, clear: { type: 'boolean', default: false } } }));
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
  if (!values.tenant || values.clear === (values.url !== undefined)) return problem('give --tenant and either --url or --clear');
  const { config } = loadConfig(process.env);
  if (values.url !== undefined) {
    if (!isHttpUrl(values.url)) return problem('--url must be an absolute http(s) URL');
    const refusal = config.allowPrivateWebhooks ? undefined : obviousPrivateDestination(values.url);
    if (refusal) return problem(`--url must reach a public address: ${refusal} (KEYWAY_ALLOW_PRIVATE_WEBHOOKS=1 allows it)`);
  }
  const store = await openStore({ url: config.databaseUrl });
  try {
    const updated = await store.db.updateTable('tenants').set({ webhook_url: values.url ?? null }).where('name', '=', values.tenant).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return problem(`no tenant is named "${values.tenant}"`);
    console.log(values.url ? `Sign-in events of ${values.tenant} go to ${values.url}` : `Sign-in events of ${values.tenant} go nowhere`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Arguments that cannot make a client: exit code 2, with the usage when their shape is wrong. */
function clientArgsProblem(message: string, { usage = true } = {}): number {
  console.error(`keyway clients create: ${message}${usage ? `\n\n${USAGE}` : ''}`);
  return 2;
}

async function createOAuthClient(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        name: { type: 'string' },
        public: { type: 'boolean', default: false },
        grant: { type: 'string', multiple: true },
      },
    }));
  } catch (error) {
    return clientArgsProblem(error instanceof Error ? error.message : String(error));
  }
  if (!values.tenant) return clientArgsProblem('--tenant is required');
  const redirectUris = values['redirect-uri'] ?? [];
  if (redirectUris.length === 0) return clientArgsProblem('at least one --redirect-uri is required');
  // The same rules as the API: one schema decides.
  const parsed = z.safeParse(OAuthClientRequest, {
    name: values.name ?? hostOf(redirectUris[0] as string),
    redirect_uris: redirectUris,
    public: values.public,
    ...(values.grant ? { grant_types: values.grant } : {}),
  });
  if (!parsed.success) {
    const cliName: Record<string, string> = { redirect_uris: '--redirect-uri', grant_types: '--grant', name: '--name' };
    return clientArgsProblem(parsed.error.issues.map((issue) => `${cliName[String(issue.path[0])] ?? String(issue.path[0] ?? '')} ${issue.message}`.trim()).join('; '));
  }

  const { config, warnings } = loadConfig(process.env);
  for (const warning of warnings) console.warn(`[keyway] warning: ${warning.message}`);
  const store = await openStore({ url: config.databaseUrl });
  try {
    const tenant = await store.db.selectFrom('tenants').select('id').where('name', '=', values.tenant).executeTakeFirst();
    if (!tenant) return clientArgsProblem(`no tenant is named "${values.tenant}"; create it with: keyway keys create --tenant ${values.tenant}`, { usage: false });
    const { row, clientSecret } = await createClient(store.db, tenant.id, parsed.data, Date.now());
    console.log(`Tenant: ${values.tenant}`);
    console.log(`Client ID: ${row.id}`);
    if (clientSecret) {
      console.log(`Client secret: ${clientSecret}`);
      console.log('Keep the secret safe: it is shown once.');
    } else {
      console.log('Public client: no secret; it must use PKCE.');
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** A default client name: the first redirect URI's host, or the text itself when it is no URL (the schema then refuses it). */
function hostOf(uri: string): string {
  try {
    return new URL(uri).host || uri.slice(0, 100);
  } catch {
    return uri.slice(0, 100);
  }
}

export async function main(argv: string[]): Promise<number | void> {
  const [command, ...rest] = argv;
  if (command === 'start') {
    const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean', default: false } } });
    return start(values.demo);
  }
  if (command === 'keys' && rest[0] === 'create') return createKey(rest.slice(1), USAGE);
  if (command === 'keys' && rest[0] === 'list') return listKeys(rest.slice(1), USAGE);
  if (command === 'keys' && rest[0] === 'revoke') return revokeKey(rest.slice(1), USAGE);
  if (command === 'keys' && rest[0] === 'rotate-signing' && rest.length === 1) return rotateSigning();
  if (command === 'links' && rest[0] === 'create') return createLink(rest.slice(1), USAGE);
  if (command === 'webhooks' && rest[0] === 'list') return listWebhooks(rest.slice(1), USAGE);
  if (command === 'webhooks' && rest[0] === 'redeliver') return redeliverWebhook(rest.slice(1), USAGE);
  if (command === 'clients' && rest[0] === 'create') return createOAuthClient(rest.slice(1));
  if (command === 'tenants' && rest[0] === 'webhook') return setTenantWebhook(rest.slice(1));
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  console.error(`keyway: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
  return 2;
}
