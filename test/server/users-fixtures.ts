import assert from 'node:assert/strict';
import { createClient } from '../../src/server/identity/clients.js';
import { newId, sha256 } from '../../src/server/security/tokens.js';
import type { Harness } from './harness.js';

export type ErrorJson = { error: { code: string; message: string } };
export type UserJson = Record<string, unknown> & { id: string; email: string; type: string; status: string; updated_at: string };
export type ListJson = { object: string; items: UserJson[]; cursor: string | null };

/** A users API call with the tenant's key (or another), JSON when there is a body. */
export const call = (h: Harness, method: string, path: string, body?: unknown, key = h.apiKey) =>
  Promise.resolve(
    h.app.request(path, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );

/** Creates a user through the API a second after the last one, so creation order is stable. */
export async function created(h: Harness, body: Record<string, unknown>): Promise<UserJson> {
  h.clock.advance(1000);
  const response = await call(h, 'POST', '/api/v1/users', body);
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as UserJson;
}

export const errorCode = async (response: Response) => ((await response.json()) as ErrorJson).error.code;
export const userCount = async (h: Harness) => Number((await h.store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
export const userRow = (h: Harness, id: string) => h.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

/** A session of the user as the token side would store it: a family, a refresh token, an unused code. */
export async function insertSession(h: Harness, userId: string, tenantId = h.tenantId): Promise<{ familyId: string; codeId: string }> {
  const { row: client } = await createClient(h.store.db, tenantId, { name: 'App', redirect_uris: ['https://app.acme.test/cb'] }, h.clock.now);
  const familyId = newId();
  const codeId = newId();
  const now = h.clock.now;
  await h.store.db
    .insertInto('token_families')
    .values({ id: familyId, tenant_id: tenantId, client_id: client.id, user_id: userId, authorization_code_id: codeId, scope: 'openid', auth_method: 'login_url', auth_time: now, mfa_validated: 0, created_at: now, expires_at: now + 86_400_000, revoked_at: null, revoked_reason: null })
    .execute();
  await h.store.db.insertInto('refresh_tokens').values({ id: newId(), family_id: familyId, token_hash: sha256(newId()), parent_id: null, created_at: now, idle_expires_at: now + 3_600_000, rotated_at: null, sealed_child: null }).execute();
  await h.store.db
    .insertInto('authorization_codes')
    .values({ id: newId(), tenant_id: tenantId, client_id: client.id, user_id: userId, code_hash: sha256(newId()), redirect_uri: 'https://app.acme.test/cb', scope: 'openid', nonce: null, code_challenge: null, code_challenge_method: null, auth_method: 'login_url', auth_time: now, expires_at: now + 60_000, used_at: null, created_at: now })
    .execute();
  return { familyId, codeId };
}
