import type { OAuthGrantType } from '../../src/protocol/index.js';
import type { UserTable } from '../../src/server/store/schema.js';
import type { Harness } from './harness.js';
import { createTestUser, registerClient, type TestClient } from './oauth2-fixtures.js';

/** Seed 001's password request, as the seed prints it. */
export const SEED_PASSWORD_REQUEST = `{
  "client_id": "bf0da47e-7226-11e4-905b-0024d71b10fc",
  "client_secret": "secret",
  "username": "[email protected]",
  "password": "aaaaaa",
  "grant_type": "password"
}`;

/** Seed 001's refresh request, as the seed prints it. */
export const SEED_REFRESH_REQUEST = `{
  "refresh_token": "OWM2ZGRlNDgtYTkzMy0xMWYwLTk0MDMtZjZiYzdmNzkwNjNi",
  "grant_type": "refresh_token",
  "client_id": "bf0da47e-7226-11e4-905b-0024d71b10fc",
  "client_secret": "secret"
}`;

/** The field names of seed 001's answers; `data` is the user as the seed shows it. */
export const SEED_PASSWORD_ANSWER_FIELDS = ['access_token', 'refresh_token', 'expires_in', 'code', 'data', 'token_type'];
export const SEED_REFRESH_ANSWER_FIELDS = ['access_token', 'refresh_token', 'expires_in', 'code', 'token_type'];
export const SEED_DATA_FIELDS = [
  'type', 'username', 'first_name', 'last_name', 'email', 'phone_number', 'created_at', 'id', 'address_id', 'cover_image_url', 'profile_image_url',
  'updated_at', 'user_status', 'profile_image_thumbnail_url', 'cover_image_thumbnail_url', 'email_confirmed', 'timezone', 'user_type', 'deleted_at',
  'phone_confirmed', 'is_shadow', 'personal_room', 'brand', 'fake_email', 'features', 'last_seen_at', 'email_signature', 'daily_enabled', 'email_quota',
  'website', 'instagram', 'twitter', 'linkedin', 'youtube', 'facebook', 'designation', 'tiktok', 'mfa_enabled', 'xpressdocs_user_id', 'current_time',
  'push_allowed', 'agents', 'last_seen_type', 'active_brand', 'display_name', 'abbreviated_display_name', 'online_state', 'has_password',
];

/** The seed's text with its example values swapped for the test's own, every other byte as printed. */
export function seedBody(template: string, values: Record<string, string>): string {
  let body = template;
  for (const [name, value] of Object.entries(values)) {
    const field = new RegExp(`("${name}": )"[^"]*"`);
    if (!field.test(body)) throw new Error(`the seed request has no ${name}`);
    body = body.replace(field, (_, prefix: string) => `${prefix}${JSON.stringify(value)}`);
  }
  return body;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

/** A distinct client address per caller: the per-address counter is then the caller's alone. */
let addresses = 0;
export function freshAddress(): string {
  addresses += 1;
  return `198.51.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
}

export interface TokenCall {
  form?: boolean;
  address?: string;
  headers?: Record<string, string>;
}

/** POST /oauth2/token from `address` (the socket peer, as the Node server would set it). */
export function tokenRequest(h: Harness, body: string | Record<string, string>, call: TokenCall = {}): Promise<Response> {
  const text = typeof body === 'string' ? body : call.form ? new URLSearchParams(body).toString() : JSON.stringify(body);
  const type = call.form ? 'application/x-www-form-urlencoded' : 'application/json';
  const env = { incoming: { socket: { remoteAddress: call.address ?? freshAddress() } } };
  return Promise.resolve(h.app.request('/oauth2/token', { method: 'POST', headers: { 'content-type': type, ...call.headers }, body: text }, env));
}

export function passwordBody(client: TestClient, username: string, password: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: client.id, client_secret: client.secret ?? '', username, password, grant_type: 'password', ...extra };
}

export async function passwordClient(h: Harness, grantTypes: OAuthGrantType[] = ['password', 'refresh_token']): Promise<TestClient> {
  return registerClient(h, { grantTypes });
}

export async function userWithPassword(h: Harness, password = GOOD_PASSWORD): Promise<UserTable> {
  const user = await createTestUser(h);
  return h.services.passwords.setPassword(user.tenant_id, user.id, password, h.clock.now);
}

export async function failureRows(h: Harness): Promise<{ key: string; failures: number; locked_until: number | null }[]> {
  return h.store.db.selectFrom('password_failures').select(['key', 'failures', 'locked_until']).orderBy('key').execute();
}

export async function sessionCount(h: Harness): Promise<number> {
  return (await h.store.db.selectFrom('token_families').select('id').execute()).length;
}
