import { createHash, randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { OAuthGrantType } from '../../src/protocol/index.js';
import type { AppEnv } from '../../src/server/context.js';
import { createClient } from '../../src/server/identity/clients.js';
import { createUser } from '../../src/server/identity/users.js';
import { issueAuthorizationCode } from '../../src/server/oauth2/authorization-codes.js';
import type { SignInMethod, UserTable } from '../../src/server/store/schema.js';
import type { Harness } from './harness.js';

export const REDIRECT_URI = 'https://app.acme.test/callback';
export const OTHER_REDIRECT_URI = 'https://app.acme.test/other-callback';

export interface TestClient {
  id: string;
  secret: string | undefined;
}

export interface Identity {
  user: UserTable;
  client: TestClient;
  publicClient: TestClient;
  otherClient: TestClient;
}

export async function registerClient(h: Harness, options: { public?: boolean; grantTypes?: OAuthGrantType[]; tenantId?: string } = {}): Promise<TestClient> {
  const created = await createClient(
    h.store.db,
    options.tenantId ?? h.tenantId,
    { name: 'Acme app', redirect_uris: [REDIRECT_URI, OTHER_REDIRECT_URI], ...(options.grantTypes ? { grant_types: options.grantTypes } : {}), ...(options.public ? { public: true } : {}) },
    h.clock.now,
  );
  return { id: created.row.id, secret: created.clientSecret };
}

let users = 0;
export async function createTestUser(h: Harness, overrides: { tenantId?: string } = {}): Promise<UserTable> {
  users += 1;
  return createUser(h.store.db, overrides.tenantId ?? h.tenantId, { first_name: 'Ada', last_name: 'Lovelace', email: `ada${users}@acme.test` }, h.clock.now);
}

export async function createIdentity(h: Harness): Promise<Identity> {
  return {
    user: await createTestUser(h),
    client: await registerClient(h),
    publicClient: await registerClient(h, { public: true }),
    otherClient: await registerClient(h),
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A code as the sign-in flow issues it once the user has confirmed. */
export function issueCode(
  h: Harness,
  options: { user: UserTable; client: TestClient; scope?: string; nonce?: string | null; challenge?: string | null; redirectUri?: string; authMethod?: SignInMethod },
): Promise<string> {
  return issueAuthorizationCode(h.store.db, {
    tenantId: options.user.tenant_id,
    clientId: options.client.id,
    userId: options.user.id,
    redirectUri: options.redirectUri ?? REDIRECT_URI,
    scope: options.scope ?? 'openid profile email',
    nonce: options.nonce ?? null,
    codeChallenge: options.challenge ?? null,
    codeChallengeMethod: options.challenge ? 'S256' : null,
    authMethod: options.authMethod ?? 'email_code',
    authTime: h.clock.now,
    now: h.clock.now,
  });
}

export function basic(client: TestClient, secret = client.secret ?? ''): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(client.id)}:${encode(secret)}`).toString('base64')}`;
}

export function postForm(app: Hono<AppEnv>, path: string, parameters: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(parameters).toString() }));
}

/** client_secret_post: the credentials in the form. */
export function withSecret(client: TestClient, parameters: Record<string, string>): Record<string, string> {
  return { ...parameters, client_id: client.id, ...(client.secret ? { client_secret: client.secret } : {}) };
}

export type TokenJson = {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  token_type: string;
  scope: string;
  code: string;
  data?: Record<string, unknown>;
};
export type OAuthErrorJson = { error: string; error_description: string; code: string };

export async function exchangeCode(h: Harness, client: TestClient, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(h.app, '/oauth2/token', withSecret(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...extra }));
}

export async function signIn(h: Harness, identity: { user: UserTable; client: TestClient }, options: { scope?: string; nonce?: string } = {}): Promise<TokenJson> {
  const code = await issueCode(h, { user: identity.user, client: identity.client, ...options });
  const response = await exchangeCode(h, identity.client, code);
  if (response.status !== 200) throw new Error(`code exchange answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenJson;
}

export async function refresh(h: Harness, client: TestClient, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(h.app, '/oauth2/token', withSecret(client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }));
}

export function bearer(app: Hono<AppEnv>, path: string, token: string): Promise<Response> {
  return Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${token}` } }));
}

export function jwtPart(jwt: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
