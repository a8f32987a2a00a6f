import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DEFAULT_OUTBOX_RETENTION_DAYS } from './jobs/outbox-retention.js';
import { parseTokenLifetimes, type TokenLifetimes } from './oauth2/lifetimes.js';
import { readMailSettings, type MailAddress } from './messages/mail-settings.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';
import { parseLimitRules, type LimitRules } from './security/rate-limits.js';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  demo: boolean;
  encryptionKey: Buffer;
  /** How often the webhook worker looks for due deliveries. */
  webhookPollMs: number;
  /** Webhooks (and any request to a tenant's URL) may reach loopback and private addresses: `KEYWAY_ALLOW_PRIVATE_WEBHOOKS=1`, or demo mode. */
  allowPrivateWebhooks: boolean;
  /** The provider file (JSON): which providers are offered and how they are reached. */
  providersFile: string | undefined;
  /** How long shutdown lets in-flight requests finish before closing their connections (`KEYWAY_SHUTDOWN_GRACE_MS`); 10 s when unset. */
  shutdownGraceMs?: number;
  /** Days a delivered or given-up webhook or mail is kept; undefined: DEFAULT_OUTBOX_RETENTION_DAYS. */
  outboxRetentionDays?: number;
  /** Rate limits (`KEYWAY_RATE_LIMITS`); `off` turns them all off. */
  rateLimits: LimitRules | 'off';
  /** How many reverse proxies in front of Keyway append to X-Forwarded-For (`KEYWAY_TRUST_PROXY`). */
  trustedProxies: number;
  /** Lifetimes of sign-in tokens, in seconds (`KEYWAY_TOKEN_LIFETIMES`). */
  tokenLifetimes: TokenLifetimes;
  /** The SMTP server mail goes through (`KEYWAY_SMTP_URL`); unset: the demo inbox in demo mode, else mail waits queued. */
  smtpUrl: string | undefined;
  /** The sender (`KEYWAY_MAIL_FROM`); a tenant's brand name replaces its display name. */
  mailFrom: MailAddress;
  /** `GET /metrics` is served (`KEYWAY_METRICS=1`, or `KEYWAY_METRICS_TOKEN` which the scraper must send). */
  metrics?: { token?: string };
  /** `KEYWAY_LOG_FORMAT`: `human` lines (the default, also when unset) or `json`, one object per line. */
  logFormat?: LogFormat;
}

export interface ConfigWarning {
  message: string;
}

type Env = Record<string, string | undefined>;

function readTrustedProxies(env: Env): number {
  const raw = env['KEYWAY_TRUST_PROXY'] ?? '0';
  const hops = Number(raw);
  if (!Number.isInteger(hops) || hops < 0 || hops > 10) throw new Error(`KEYWAY_TRUST_PROXY must be the number of proxies in front of Keyway (0-10), got "${raw}"`);
  return hops;
}

function readMetrics(env: Env): { metrics?: { token?: string } } {
  const token = env['KEYWAY_METRICS_TOKEN'];
  if (token !== undefined && token.length < 16) throw new Error('KEYWAY_METRICS_TOKEN must be at least 16 characters');
  if (token !== undefined) return { metrics: { token } };
  const flag = env['KEYWAY_METRICS'] ?? '0';
  if (flag !== '0' && flag !== '1') throw new Error(`KEYWAY_METRICS must be 0 or 1, got "${flag}"`);
  return flag === '1' ? { metrics: {} } : {};
}

function readLogFormat(env: Env): LogFormat {
  const raw = env['KEYWAY_LOG_FORMAT'] ?? 'human';
  const format = LOG_FORMATS.find((candidate) => candidate === raw);
  if (!format) throw new Error(`KEYWAY_LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, got "${raw}"`);
  return format;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

function readShutdownGrace(env: Env): number {
  const raw = env['KEYWAY_SHUTDOWN_GRACE_MS'] ?? String(DEFAULT_SHUTDOWN_GRACE_MS);
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms > 600_000) throw new Error(`KEYWAY_SHUTDOWN_GRACE_MS must be milliseconds from 0 to 600000, got "${raw}"`);
  return ms;
}

function readOutboxRetention(env: Env): number {
  const raw = env['KEYWAY_OUTBOX_RETENTION_DAYS'] ?? String(DEFAULT_OUTBOX_RETENTION_DAYS);
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) throw new Error(`KEYWAY_OUTBOX_RETENTION_DAYS must be whole days from 1 to 3650, got "${raw}"`);
  return days;
}

function readPort(env: Env): number {
  const raw = env['KEYWAY_PORT'] ?? env['PORT'] ?? '8787';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`KEYWAY_PORT must be a port number, got "${raw}"`);
  return port;
}

/**
 * The AES-256-GCM key for secrets at rest: `KEYWAY_ENCRYPTION_KEY` (32 bytes, base64),
 * else a key generated once and kept in the data directory.
 */
function readEncryptionKey(env: Env, dataDir: string, warnings: ConfigWarning[]): Buffer {
  const fromEnv = env['KEYWAY_ENCRYPTION_KEY'];
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('KEYWAY_ENCRYPTION_KEY must be 32 bytes encoded in base64');
    return key;
  }
  const file = join(dataDir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    warnings.push({ message: `generated an encryption key in ${file}; set KEYWAY_ENCRYPTION_KEY in production and keep it safe` });
  } else {
    warnings.push({ message: `using the encryption key in ${file}; set KEYWAY_ENCRYPTION_KEY in production` });
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

export function loadConfig(env: Env = process.env, options: { demo?: boolean } = {}): { config: Config; warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [];
  const port = readPort(env);
  const dataDir = resolve(env['KEYWAY_DATA_DIR'] ?? '.keyway');
  const publicUrl = (env['KEYWAY_PUBLIC_URL'] ?? `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new Error(`KEYWAY_PUBLIC_URL must be an absolute URL, got "${publicUrl}"`);
  }
  const config: Config = {
    port,
    host: env['KEYWAY_HOST'] ?? '127.0.0.1',
    publicUrl,
    dataDir,
    databaseUrl: env['KEYWAY_DATABASE_URL'] ?? join(dataDir, 'keyway.sqlite'),
    demo: options.demo ?? env['KEYWAY_DEMO'] === '1',
    encryptionKey: readEncryptionKey(env, dataDir, warnings),
    webhookPollMs: 1000,
    allowPrivateWebhooks: env['KEYWAY_ALLOW_PRIVATE_WEBHOOKS'] === '1' || (options.demo ?? env['KEYWAY_DEMO'] === '1'),
    rateLimits: parseLimitRules(env['KEYWAY_RATE_LIMITS']),
    trustedProxies: readTrustedProxies(env),
    tokenLifetimes: parseTokenLifetimes(env['KEYWAY_TOKEN_LIFETIMES']),
    ...readMailSettings(env, publicUrl),
    shutdownGraceMs: readShutdownGrace(env),
    outboxRetentionDays: readOutboxRetention(env),
    ...readMetrics(env),
    logFormat: readLogFormat(env),
    providersFile: env['KEYWAY_PROVIDERS_FILE'] ? resolve(env['KEYWAY_PROVIDERS_FILE']) : existsSync(join(dataDir, 'providers.json')) ? join(dataDir, 'providers.json') : undefined,
  };
  return { config, warnings };
}
