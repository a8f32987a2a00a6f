import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { HttpUrl, ProviderId } from '../../protocol/index.js';
import type { ProviderEntry } from './adapter.js';
import { imapProvider } from './imap.js';
import { OAuth2Adapter } from './oauth2.js';
import { PasswordGrantAdapter } from './password-grant.js';
import { OAUTH_PRESETS, type OAuthPresetName } from './oauth2-presets.js';

/** A secret written inline, or `env:NAME` to read it from the environment (keeps secrets out of the file). */
const SecretValue = z.string().check(z.minLength(1));

const OAuth2Provider = z.strictObject({
  id: ProviderId,
  adapter: z.literal('oauth2'),
  preset: z.optional(z.enum(Object.keys(OAUTH_PRESETS) as [OAuthPresetName, ...OAuthPresetName[]])),
  name: z.optional(z.string().check(z.minLength(1))),
  icon: z.optional(z.string()),
  issuer: z.optional(HttpUrl),
  authorizationEndpoint: z.optional(HttpUrl),
  tokenEndpoint: z.optional(HttpUrl),
  scopes: z.optional(z.array(z.string()).check(z.minLength(1))),
  authorizationParams: z.optional(z.record(z.string(), z.string())),
  tokenAuth: z.optional(z.enum(['client_secret_basic', 'client_secret_post'])),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: SecretValue,
  /** Plain-http endpoints, for a provider on loopback during development and tests only. */
  allowHttp: z.optional(z.boolean()),
});

const ImapProvider = z.strictObject({
  id: ProviderId,
  adapter: z.literal('imap'),
  name: z.optional(z.string().check(z.minLength(1))),
  icon: z.optional(z.string()),
  /** Let users name servers on loopback or private networks (off by default: it would expose the operator's network). */
  allowPrivateHosts: z.optional(z.boolean()),
  /** A PEM file of extra CAs to trust. */
  caFile: z.optional(z.string()),
  timeoutMs: z.optional(z.number().check(z.int(), z.gte(1000), z.lte(60_000))),
});

const PasswordGrantProvider = z.strictObject({
  id: ProviderId,
  adapter: z.literal('password-grant'),
  name: z.string().check(z.minLength(1)),
  icon: z.optional(z.string()),
  tokenUrl: HttpUrl,
  apiUrl: HttpUrl,
  clientId: z.string().check(z.minLength(1)),
  clientSecret: SecretValue,
  mfaAttempts: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10))),
});

export const ProviderFile = z.strictObject({
  providers: z.array(z.discriminatedUnion('adapter', [OAuth2Provider, ImapProvider, PasswordGrantProvider])),
});
export type ProviderFile = z.infer<typeof ProviderFile>;

type Env = Record<string, string | undefined>;

function resolveSecret(value: string, where: string, env: Env): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const resolved = env[name];
  if (!resolved) throw new Error(`${where}: the environment variable ${name} is not set`);
  return resolved;
}

/** Builds catalogue entries from a parsed provider file; errors name the provider and field. */
export function providersFromFile(file: ProviderFile, env: Env = process.env): ProviderEntry[] {
  const seen = new Set<string>();
  return file.providers.map((provider, index) => {
    const where = `providers[${index}] (${provider.id})`;
    if (seen.has(provider.id)) throw new Error(`${where}: the id ${provider.id} appears twice`);
    seen.add(provider.id);
    if (provider.adapter === 'imap') return imapEntry(provider, where);
    if (provider.adapter === 'password-grant') {
      const adapter = new PasswordGrantAdapter({
        tokenUrl: provider.tokenUrl,
        apiUrl: provider.apiUrl.replace(/\/+$/, ''),
        clientId: provider.clientId,
        clientSecret: resolveSecret(provider.clientSecret, `${where}.clientSecret`, env),
        ...(provider.mfaAttempts ? { mfaAttempts: provider.mfaAttempts } : {}),
      });
      return { summary: { id: provider.id, name: provider.name, method: 'credentials' as const, ...(provider.icon ? { icon: provider.icon } : {}) }, adapter };
    }
    const preset = provider.preset ? OAUTH_PRESETS[provider.preset] : undefined;
    const issuer = provider.issuer ?? (preset && 'issuer' in preset ? preset.issuer : undefined);
    const authorizationEndpoint = provider.authorizationEndpoint ?? (preset && 'authorizationEndpoint' in preset ? preset.authorizationEndpoint : undefined);
    const tokenEndpoint = provider.tokenEndpoint ?? (preset && 'tokenEndpoint' in preset ? preset.tokenEndpoint : undefined);
    if (!issuer && !(authorizationEndpoint && tokenEndpoint)) throw new Error(`${where}: give a preset, an issuer, or both authorizationEndpoint and tokenEndpoint`);
    const name = provider.name ?? preset?.name;
    if (!name) throw new Error(`${where}: give a name (or a preset)`);
    const tokenAuth = provider.tokenAuth ?? (preset && 'tokenAuth' in preset ? preset.tokenAuth : undefined);
    const authorizationParams = provider.authorizationParams ?? (preset && 'authorizationParams' in preset ? preset.authorizationParams : undefined);
    const adapter = new OAuth2Adapter({
      name,
      clientId: provider.clientId,
      clientSecret: resolveSecret(provider.clientSecret, `${where}.clientSecret`, env),
      scopes: provider.scopes ?? preset?.scopes ?? ['openid'],
      ...(issuer ? { issuer } : {}),
      ...(authorizationEndpoint ? { authorizationEndpoint } : {}),
      ...(tokenEndpoint ? { tokenEndpoint } : {}),
      ...(tokenAuth ? { tokenAuth } : {}),
      ...(authorizationParams ? { authorizationParams } : {}),
      ...(provider.allowHttp ? { allowHttp: true } : {}),
    });
    return { summary: { id: provider.id, name, method: 'oauth' as const, ...(provider.icon ? { icon: provider.icon } : {}) }, adapter };
  });
}

function imapEntry(provider: z.infer<typeof ImapProvider>, where: string): ProviderEntry {
  let ca: string | undefined;
  if (provider.caFile) {
    if (!existsSync(provider.caFile)) throw new Error(`${where}.caFile: ${provider.caFile} does not exist`);
    ca = readFileSync(provider.caFile, 'utf8');
  }
  const entry = imapProvider({
    ...(provider.allowPrivateHosts ? { allowPrivateHosts: true } : {}),
    ...(ca ? { ca } : {}),
    ...(provider.timeoutMs ? { timeoutMs: provider.timeoutMs } : {}),
  });
  // A name the operator chose replaces Keyway's, key and all: the wizard must show it as written.
  const { i18n, ...summary } = entry.summary;
  const name = provider.name ? { name: provider.name } : { name: summary.name, ...(i18n ? { i18n } : {}) };
  return { ...entry, summary: { ...summary, id: provider.id, ...name, ...(provider.icon ? { icon: provider.icon } : {}) } };
}

/** Reads and checks the provider file; every problem is reported with its place in the file. */
export function loadProviderFile(path: string, env: Env = process.env): ProviderEntry[] {
  if (!existsSync(path)) throw new Error(`the provider file ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`the provider file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = z.safeParse(ProviderFile, raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`).join('\n');
    throw new Error(`the provider file ${path} has problems:\n${problems}`);
  }
  return providersFromFile(parsed.data, env);
}
