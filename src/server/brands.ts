import type { Kysely } from 'kysely';
import type { Brand, BrandSettings } from '../protocol/index.js';
import { lookupCache } from './store/lookup-cache.js';
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

/**
 * The one form hosts are compared in: lower-case, IDNA (punycode), no trailing dot, no default
 * port for Keyway's scheme. Anything that is not a plain host[:port] becomes '' (no tenant's domain).
 */
export function normaliseHost(host: string | undefined, publicUrl: string): string {
  const raw = (host ?? '').trim();
  if (raw === '' || /[\s/\\?#@]/.test(raw)) return '';
  let url: URL;
  try {
    url = new URL(`${new URL(publicUrl).protocol}//${raw}`);
  } catch {
    return '';
  }
  const hostname = url.hostname.replace(/\.+$/, '');
  if (hostname === '') return '';
  return url.port ? `${hostname}:${url.port}` : hostname;
}

/**
 * Brands are read by every link and hosted page and change rarely. A change through this instance
 * shows at once (`forgetBrands`); one through another instance within this many milliseconds.
 */
export const BRAND_CACHE_MS = 5000;
// null: looked up, no brand (remembered too: most tenants have none).
const byTenant = lookupCache<string, TenantBrand | null>(BRAND_CACHE_MS);
const byDomain = lookupCache<string, TenantBrand | null>(BRAND_CACHE_MS);

/** Call after changing a brand through `db`. */
export function forgetBrands(db: Kysely<Database>): void {
  byTenant.forget(db);
  byDomain.forget(db);
}

export async function brandOfTenant(db: Kysely<Database>, tenantId: string): Promise<TenantBrand | undefined> {
  const found = await byTenant.get(db, tenantId, async () => {
    const row = await db.selectFrom('brands').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? { tenantId, domain: row.domain, brand: toBrand(JSON.parse(row.settings_json) as BrandSettings) } : null;
  });
  return found ?? undefined;
}

/** The brand whose domain a request came to, if any; `host` is the raw Host header. */
export async function brandOfHost(db: Kysely<Database>, host: string | undefined, publicUrl: string): Promise<TenantBrand | undefined> {
  const domain = normaliseHost(host, publicUrl);
  if (!domain) return undefined;
  const found = await byDomain.get(db, domain, async () => {
    const row = await db.selectFrom('brands').selectAll().where('domain', '=', domain).executeTakeFirst();
    return row ? { tenantId: row.tenant_id, domain: row.domain, brand: toBrand(JSON.parse(row.settings_json) as BrandSettings) } : null;
  });
  return found ?? undefined;
}

/**
 * A link may be opened on Keyway's own domain or on its tenant's domain, never on another
 * tenant's: one customer's domain must not show another customer's flows.
 */
export async function linkServedHere(db: Kysely<Database>, host: string | undefined, publicUrl: string, linkTenantId: string): Promise<boolean> {
  const here = await brandOfHost(db, host, publicUrl);
  return !here || here.tenantId === linkTenantId;
}
