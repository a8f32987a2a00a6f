import type { Kysely } from 'kysely';
import type { Brand, BrandSettings } from '../protocol/index.js';
import type { Database } from './store/schema.js';

export interface TenantBrand {
  tenantId: string;
  domain: string | null;
  brand: Brand;
}

function toBrand(settings: BrandSettings): Brand {
  return {
    name: settings.name,
    ...(settings.logoUrl ? { logoUrl: settings.logoUrl } : {}),
    ...(settings.primaryColor ? { primaryColor: settings.primaryColor } : {}),
    ...(settings.radius ? { radius: settings.radius } : {}),
    ...(settings.supportUrl ? { supportUrl: settings.supportUrl } : {}),
  };
}

/** The Host header without a default port, lower-cased, so it compares with stored domains. */
export function normaliseHost(host: string | undefined, publicUrl: string): string {
  const value = (host ?? '').trim().toLowerCase();
  const defaultPort = new URL(publicUrl).protocol === 'https:' ? ':443' : ':80';
  return value.endsWith(defaultPort) ? value.slice(0, -defaultPort.length) : value;
}

export async function brandOfTenant(db: Kysely<Database>, tenantId: string): Promise<TenantBrand | undefined> {
  const row = await db.selectFrom('brands').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? { tenantId, domain: row.domain, brand: toBrand(JSON.parse(row.settings_json) as BrandSettings) } : undefined;
}

/** The brand whose domain a request came to, if any. */
export async function brandOfHost(db: Kysely<Database>, host: string): Promise<TenantBrand | undefined> {
  if (!host) return undefined;
  const row = await db.selectFrom('brands').selectAll().where('domain', '=', host).executeTakeFirst();
  return row ? { tenantId: row.tenant_id, domain: row.domain, brand: toBrand(JSON.parse(row.settings_json) as BrandSettings) } : undefined;
}

/**
 * A link may be opened on Keyway's own domain or on its tenant's domain, never on another
 * tenant's: one customer's domain must not show another customer's flows.
 */
export async function linkServedHere(db: Kysely<Database>, host: string, linkTenantId: string): Promise<boolean> {
  const here = await brandOfHost(db, host);
  return !here || here.tenantId === linkTenantId;
}
