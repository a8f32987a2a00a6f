import type { Kysely } from 'kysely';
import type { Sealer } from '../security/sealer.js';
import { newId, newToken, safeEqual, sha256 } from '../security/tokens.js';
import { lookupCache } from './lookup-cache.js';
import type { ApiKeyKind, ApiKeyTable, Database, TenantTable } from './schema.js';

export interface CreatedKey {
  tenantId: string;
  kind: ApiKeyKind;
  /** Shown once; only its digest is stored. */
  apiKey: string;
  /** Shown when the tenant is new: the secret that signs its webhooks. */
  webhookSecret?: string;
}

/**
 * Finds the tenant by name or creates it with a fresh webhook signing secret. Two instances may
 * do this at once on a fresh database: the insert yields to the one that got there first, and
 * both then read the same row.
 */
export async function ensureTenant(
  db: Kysely<Database>,
  sealer: Sealer,
  name: string,
  now: number,
): Promise<{ tenant: TenantTable; webhookSecret?: string }> {
  const existing = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
  if (existing) return { tenant: existing };
  const webhookSecret = `whsec_${newToken()}`;
  const candidate: TenantTable = { id: newId(), name, sealed_webhook_secret: sealer.seal(webhookSecret), webhook_url: null, user_token_ttl_seconds: null,
        message_token_ttl_seconds: null, require_mfa: 0, created_at: now };
  await db.insertInto('tenants').values(candidate).onConflict((oc) => oc.column('name').doNothing()).execute();
  const tenant = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  return tenant.id === candidate.id ? { tenant, webhookSecret } : { tenant };
}

export async function tenantWebhookSecret(db: Kysely<Database>, sealer: Sealer, tenantId: string): Promise<string> {
  const row = await db.selectFrom('tenants').select('sealed_webhook_secret').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return sealer.open(row.sealed_webhook_secret);
}

/** Each kind has its own prefix, so a key shows what it is, and one sent to the wrong place is refused by its shape. */
const KEY_PREFIX: Record<ApiKeyKind, string> = { api: 'kw', private_token: 'kwpt' };

/**
 * API keys look like `kw_<key id>_<secret>`, private token keys `kwpt_<key id>_<secret>`; the id
 * finds the row, the digest is compared in constant time.
 */
export async function createApiKey(
  db: Kysely<Database>,
  sealer: Sealer,
  options: { tenantName: string; label?: string; kind?: ApiKeyKind; now: number },
): Promise<CreatedKey> {
  const { tenant, webhookSecret } = await ensureTenant(db, sealer, options.tenantName, options.now);
  const kind = options.kind ?? 'api';
  const id = newToken(9);
  const apiKey = `${KEY_PREFIX[kind]}_${id}_${newToken()}`;
  await db
    .insertInto('api_keys')
    .values({ id, tenant_id: tenant.id, kind, key_hash: sha256(apiKey), label: options.label ?? null, created_at: options.now, revoked_at: null })
    .execute();
  return { tenantId: tenant.id, kind, apiKey, ...(webhookSecret ? { webhookSecret } : {}) };
}

/**
 * Key rows by id, read on every API call. A key revoked through this instance is refused at once;
 * one revoked elsewhere (another instance, `keyway keys revoke`) within this many milliseconds.
 */
export const API_KEY_CACHE_MS = 5000;
const keyRows = lookupCache<string, Pick<ApiKeyTable, 'tenant_id' | 'kind' | 'key_hash' | 'revoked_at'>>(API_KEY_CACHE_MS);

/** Call after changing any api_keys row through `db`, so this instance sees it at once. */
export function forgetApiKeys(db: Kysely<Database>): void {
  keyRows.forget(db);
}

export async function revokeApiKeys(db: Kysely<Database>, tenantId: string, label: string, now: number, options: { createdBefore?: number } = {}): Promise<void> {
  let query = db.updateTable('api_keys').set({ revoked_at: now }).where('tenant_id', '=', tenantId).where('label', '=', label).where('revoked_at', 'is', null);
  if (options.createdBefore !== undefined) query = query.where('created_at', '<', options.createdBefore);
  await query.execute();
  forgetApiKeys(db);
}

const KEY_SHAPE: Record<ApiKeyKind, RegExp> = {
  api: /^kw_([A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/,
  private_token: /^kwpt_([A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/,
};

/** Whether `key` has the shape of a key of `kind` (not whether it is valid): for a clearer refusal. */
export function looksLikeKey(key: string, kind: ApiKeyKind): boolean {
  return KEY_SHAPE[kind].test(key);
}

/** The tenant id for a valid, unrevoked key of `kind` (by default an ordinary API key); undefined otherwise. */
export async function tenantForApiKey(db: Kysely<Database>, apiKey: string, kind: ApiKeyKind = 'api'): Promise<string | undefined> {
  const id = KEY_SHAPE[kind].exec(apiKey)?.[1];
  if (!id) return undefined;
  const row = await keyRows.get(db, id, () => db.selectFrom('api_keys').select(['tenant_id', 'kind', 'key_hash', 'revoked_at']).where('id', '=', id).executeTakeFirst());
  // The digest is compared on every request, cached row or not: the cache saves a query, not the check.
  if (!row || row.kind !== kind || row.revoked_at !== null || !safeEqual(row.key_hash, sha256(apiKey))) return undefined;
  return row.tenant_id;
}
