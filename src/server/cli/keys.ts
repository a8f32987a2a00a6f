import { parseArgs } from 'node:util';
import { rotateSigningKey } from '../oauth2/signing-keys.js';
import { Sealer } from '../security/sealer.js';
import type { ApiKeyKind } from '../store/schema.js';
import { createApiKey } from '../store/tenants.js';
import { isoOrDash, printTable, usageProblem, withStore } from './common.js';

export const KEYS_USAGE = `  keyway keys create [--tenant NAME] [--label LABEL] [--kind api|private-token]
                                              create an API key (the tenant is created if new); --kind private-token:
                                              a key that only mints user tokens, as Bearer at POST /api/v1/user/token
  keyway keys list [--tenant NAME] [--all]    the keys (id, kind, label, dates; never the secret); --all: revoked ones too
  keyway keys revoke KEY_ID                   revoke a key by its id (the part after kw_ or kwpt_)
  keyway keys rotate-signing                  new key for access and ID tokens; the old one stays published until its tokens expire`;

const KEY_KINDS: Record<string, ApiKeyKind> = { api: 'api', 'private-token': 'private_token' };

export async function createKey(args: string[], usage: string): Promise<number> {
  const problem = (message: string) => usageProblem('keys create', usage, message);
  let values;
  try {
    ({ values } = parseArgs({ args, options: { tenant: { type: 'string', default: 'default' }, label: { type: 'string' }, kind: { type: 'string', default: 'api' } } }));
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
  const kind = Object.hasOwn(KEY_KINDS, values.kind) ? KEY_KINDS[values.kind] : undefined;
  if (!kind) return problem(`--kind must be api or private-token, not "${values.kind}"`);
  return withStore(async (store, config) => {
    const created = await createApiKey(store.db, new Sealer(config.encryptionKey), {
      tenantName: values.tenant,
      kind,
      now: Date.now(),
      ...(values.label ? { label: values.label } : {}),
    });
    console.log(`Tenant: ${values.tenant}`);
    console.log(kind === 'private_token' ? `Private token key: ${created.apiKey} (only for POST /api/v1/user/token, from your backend)` : `API key: ${created.apiKey}`);
    if (created.webhookSecret) console.log(`Webhook secret: ${created.webhookSecret}`);
    console.log('Keep them safe: they are shown once.');
    return 0;
  });
}

export async function listKeys(args: string[], usage: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { tenant: { type: 'string' }, all: { type: 'boolean', default: false } } }));
  } catch (error) {
    return usageProblem('keys list', usage, error instanceof Error ? error.message : String(error));
  }
  return withStore(async (store) => {
    let query = store.db
      .selectFrom('api_keys')
      .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
      .select(['api_keys.id', 'api_keys.kind', 'api_keys.label', 'api_keys.created_at', 'api_keys.revoked_at', 'tenants.name as tenant'])
      .orderBy('tenants.name')
      .orderBy('api_keys.created_at', 'desc');
    if (values.tenant) query = query.where('tenants.name', '=', values.tenant);
    if (!values.all) query = query.where('api_keys.revoked_at', 'is', null);
    const rows = await query.execute();
    if (rows.length === 0) {
      console.log(values.tenant ? `No keys for tenant "${values.tenant}".` : 'No keys.');
      return 0;
    }
    printTable(
      ['TENANT', 'ID', 'KIND', 'LABEL', 'CREATED', 'REVOKED'],
      rows.map((row) => [row.tenant, row.id, row.kind === 'private_token' ? 'private-token' : 'api', row.label ?? '-', isoOrDash(row.created_at), isoOrDash(row.revoked_at)]),
    );
    return 0;
  });
}

export async function revokeKey(args: string[], usage: string): Promise<number> {
  const [id, ...extra] = args;
  if (!id || extra.length > 0) return usageProblem('keys revoke', usage, 'give exactly one KEY_ID (see keyway keys list)');
  // A whole key pasted by mistake is reduced to its id, so the secret is not echoed back in an error.
  const keyId = /^kw(?:pt)?_([A-Za-z0-9_-]{12})_/.exec(id)?.[1] ?? id;
  return withStore(async (store) => {
    const row = await store.db.selectFrom('api_keys').select(['revoked_at']).where('id', '=', keyId).executeTakeFirst();
    if (!row) return usageProblem('keys revoke', undefined, `no key has the id "${keyId}"`);
    if (row.revoked_at !== null) {
      console.log(`Key ${keyId} was already revoked at ${isoOrDash(row.revoked_at)}.`);
      return 0;
    }
    await store.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', keyId).where('revoked_at', 'is', null).execute();
    console.log(`Revoked key ${keyId}.`);
    return 0;
  });
}

/** Other running instances pick the new key up within their key cache time (30 s); until then they sign with the old one. */
export async function rotateSigning(): Promise<number> {
  return withStore(async (store, config) => {
    const rotation = await rotateSigningKey(store.db, new Sealer(config.encryptionKey), Date.now(), config.tokenLifetimes);
    console.log(`New signing key: ${rotation.kid}`);
    for (const old of rotation.retired) console.log(`Retired key ${old.kid} stays in the JWKS until ${new Date(old.unpublishAt).toISOString()}`);
    return 0;
  });
}
