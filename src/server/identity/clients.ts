import type { Kysely } from 'kysely';
import type { OAuthClient, OAuthClientRequest, OAuthGrantType } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { newToken, safeEqual, sha256 } from '../security/tokens.js';
import type { Database, OAuthClientTable } from '../store/schema.js';

export const DEFAULT_GRANT_TYPES: readonly OAuthGrantType[] = ['authorization_code', 'refresh_token'];

/** Client ids are public (they appear in authorization URLs), so only 128 bits; secrets get 256. */
export function newClientId(): string {
  return `kwc_${newToken(16)}`;
}

function newClientSecret(): string {
  return `kwcs_${newToken(32)}`;
}

/** Longer than any id Keyway issues: the lookup is skipped for what cannot be one. */
const MAX_CLIENT_ID_LENGTH = 64;

export function clientNotFound(): ApiError {
  return new ApiError(404, 'client_not_found', 'No OAuth client of yours has this id.');
}

export function clientRedirectUris(row: OAuthClientTable): string[] {
  return JSON.parse(row.redirect_uris_json) as string[];
}

/**
 * The redirect URI a sign-in goes back to: the one asked for, exactly as registered (no prefix, no
 * added query), or, when none is asked, the client's only one.
 */
export function resolveRedirectUri(row: OAuthClientTable, asked: string | undefined): { uri: string } | { problem: 'not_registered' | 'ambiguous' } {
  const registered = clientRedirectUris(row);
  if (asked !== undefined) return registered.includes(asked) ? { uri: asked } : { problem: 'not_registered' };
  return registered.length === 1 ? { uri: registered[0] as string } : { problem: 'ambiguous' };
}

export function clientGrantTypes(row: OAuthClientTable): OAuthGrantType[] {
  return JSON.parse(row.grant_types_json) as OAuthGrantType[];
}

/** A public client has no secret and must prove itself with PKCE instead. */
export function isPublicClient(row: OAuthClientTable): boolean {
  return row.secret_hash === null;
}

export function clientView(row: OAuthClientTable, clientSecret?: string): OAuthClient {
  return {
    object: 'OAuthClient',
    client_id: row.id,
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    name: row.name,
    redirect_uris: clientRedirectUris(row),
    grant_types: clientGrantTypes(row),
    public: isPublicClient(row),
    created_at: new Date(row.created_at).toISOString(),
  };
}

export interface CreatedClient {
  row: OAuthClientTable;
  /** Shown once; only its SHA-256 is stored. Absent for a public client. */
  clientSecret?: string;
}

export async function createClient(db: Kysely<Database>, tenantId: string, request: OAuthClientRequest, now: number): Promise<CreatedClient> {
  const clientSecret = request.public ? undefined : newClientSecret();
  const row: OAuthClientTable = {
    id: newClientId(),
    tenant_id: tenantId,
    name: request.name,
    secret_hash: clientSecret === undefined ? null : sha256(clientSecret),
    redirect_uris_json: JSON.stringify(request.redirect_uris),
    grant_types_json: JSON.stringify(request.grant_types ?? DEFAULT_GRANT_TYPES),
    created_at: now,
    revoked_at: null,
  };
  await db.insertInto('oauth_clients').values(row).execute();
  return { row, ...(clientSecret === undefined ? {} : { clientSecret }) };
}

/** The tenant's clients that are not revoked, newest first. */
export async function listClients(db: Kysely<Database>, tenantId: string): Promise<OAuthClientTable[]> {
  return db.selectFrom('oauth_clients').selectAll().where('tenant_id', '=', tenantId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** A client of this tenant that is not revoked. */
export async function findClient(db: Kysely<Database>, tenantId: string, clientId: string): Promise<OAuthClientTable | undefined> {
  return db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).where('tenant_id', '=', tenantId).where('revoked_at', 'is', null).executeTakeFirst();
}

/** A client that is not revoked, whichever its tenant (an authorization request names only the client). */
export async function activeClient(db: Kysely<Database>, clientId: string): Promise<OAuthClientTable | undefined> {
  if (clientId.length > MAX_CLIENT_ID_LENGTH) return undefined;
  return db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
}

/**
 * The client, if the credentials are its own: a confidential client's secret (compared as digests
 * in constant time), or no secret at all for a public client. Revoked or unknown: undefined.
 */
export async function authenticateClient(db: Kysely<Database>, credentials: { clientId: string; clientSecret?: string | undefined }): Promise<OAuthClientTable | undefined> {
  const client = await activeClient(db, credentials.clientId);
  if (!client) return undefined;
  if (client.secret_hash === null) return credentials.clientSecret === undefined ? client : undefined;
  if (credentials.clientSecret === undefined) return undefined;
  return safeEqual(client.secret_hash, sha256(credentials.clientSecret)) ? client : undefined;
}

/** The tenant's only active client, for entry points that name none (a login URL); undefined when it has none or several. */
export async function defaultClient(db: Kysely<Database>, tenantId: string): Promise<OAuthClientTable | undefined> {
  const clients = await db.selectFrom('oauth_clients').selectAll().where('tenant_id', '=', tenantId).where('revoked_at', 'is', null).limit(2).execute();
  return clients.length === 1 ? clients[0] : undefined;
}

/**
 * Revokes the client and, in the same transaction, everything issued to it: its sessions stop
 * refreshing, codes not yet exchanged expire, and sign-in links still unopened expire.
 */
export async function revokeClient(db: Kysely<Database>, tenantId: string, clientId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('oauth_clients')
      .set({ revoked_at: now })
      .where('id', '=', clientId)
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(revoked.numUpdatedRows) !== 1) throw clientNotFound();
    await trx.updateTable('token_families').set({ revoked_at: now, revoked_reason: 'client_revoked' }).where('client_id', '=', clientId).where('revoked_at', 'is', null).execute();
    await trx.updateTable('authorization_codes').set({ expires_at: now }).where('client_id', '=', clientId).where('used_at', 'is', null).where('expires_at', '>', now).execute();
    const requests = trx.selectFrom('signin_requests').select('link_id').where('client_id', '=', clientId);
    await trx.updateTable('links').set({ expires_at: now }).where('id', 'in', requests).where('used_at', 'is', null).where('expires_at', '>', now).execute();
  });
}
