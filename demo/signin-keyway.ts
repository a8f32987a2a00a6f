import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { OAuthClient, OAuthClientList, User, UserList } from '../src/protocol/index.js';
import type { SeedUserData } from '../src/server/identity/users.js';

export const CLIENT_NAME = 'Acme CRM';
export const SCOPE = 'openid profile email';

export type CallKeyway = (method: string, path: string, body?: unknown) => Promise<Response>;

/** Keyway's `{"error":{"code","message"}}` or the OAuth `{error, error_description}`, as one line for the page. */
export async function keywayError(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: unknown; error_description?: string };
  if (typeof body.error === 'string') return { status: response.status, code: body.error, message: body.error_description ?? body.error };
  const error = body.error as { code?: string; message?: string } | undefined;
  return { status: response.status, code: error?.code ?? 'error', message: error?.message ?? `Keyway answered ${response.status}.` };
}

export class KeywayRefusal extends Error {
  constructor(readonly refusal: { status: number; code: string; message: string }) {
    super(refusal.message);
  }
}

export interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
}

/**
 * What the demo host app's backend does with Keyway as its OpenID provider: one confidential client,
 * registered the first time it is needed, whose secret never leaves this process.
 */
export class AcmeClient {
  #client: Promise<{ id: string; secret: string }> | undefined;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly redirectUri: string;

  constructor(
    private readonly options: { internalUrl: string; issuer: string; callKeyway: CallKeyway; startedAt: number },
  ) {
    this.redirectUri = `${options.issuer}/demo/auth/callback`;
    // Fetched over the internal address; the tokens still name the public URL as their issuer.
    this.#jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', options.internalUrl));
  }

  /** Registered lazily: the demo's API key only exists once the server is listening. A failure is retried next time. */
  client(): Promise<{ id: string; secret: string }> {
    this.#client ??= this.#register().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #register(): Promise<{ id: string; secret: string }> {
    const { callKeyway, startedAt } = this.options;
    const created = await callKeyway('POST', '/api/v1/oauth/clients', {
      name: CLIENT_NAME,
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'password'],
    });
    if (created.status !== 201) throw new KeywayRefusal(await keywayError(created));
    const client = (await created.json()) as OAuthClient;
    // Earlier starts' clients (their secrets died with them) are revoked; one another instance made since this start is not.
    const listed = await callKeyway('GET', '/api/v1/oauth/clients');
    const { items } = listed.ok ? ((await listed.json()) as OAuthClientList) : { items: [] };
    for (const old of items) {
      if (old.name === CLIENT_NAME && old.client_id !== client.client_id && Date.parse(old.created_at) < startedAt) {
        await (await callKeyway('DELETE', `/api/v1/oauth/clients/${encodeURIComponent(old.client_id)}`)).body?.cancel();
      }
    }
    return { id: client.client_id, secret: client.client_secret as string };
  }

  /** The host's sign-up: Keyway mails codes only to users it knows, so the address becomes a user first. */
  async ensureUser(person: { email: string; first_name: string; last_name: string }): Promise<User> {
    const { callKeyway } = this.options;
    const created = await callKeyway('POST', '/api/v1/users', person);
    if (created.status === 201) return (await created.json()) as User;
    const refusal = await keywayError(created);
    if (refusal.code !== 'email_taken') throw new KeywayRefusal(refusal);
    const found = await callKeyway('GET', `/api/v1/users?email=${encodeURIComponent(person.email)}`);
    const user = found.ok ? ((await found.json()) as UserList).items[0] : undefined;
    if (!user) throw new KeywayRefusal(found.ok ? { status: 404, code: 'user_not_found', message: 'The user vanished.' } : await keywayError(found));
    return user;
  }

  /** `POST /oauth2/token` or `/oauth2/revoke`, form-encoded, the client authenticated with HTTP Basic. */
  async #post(path: string, parameters: Record<string, string>): Promise<Response> {
    const { id, secret } = await this.client();
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
    const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
    return fetch(`${this.options.internalUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(parameters),
    });
  }

  async token(parameters: Record<string, string>): Promise<TokenAnswer> {
    const response = await this.#post('/oauth2/token', parameters);
    if (!response.ok) throw new KeywayRefusal(await keywayError(response));
    return (await response.json()) as TokenAnswer;
  }

  /** RFC 7009: revoking the refresh token ends the whole session on Keyway's side. */
  async revoke(token: string, hint: 'refresh_token' | 'access_token' = 'refresh_token'): Promise<void> {
    const response = await this.#post('/oauth2/revoke', { token, token_type_hint: hint });
    if (!response.ok) throw new KeywayRefusal(await keywayError(response));
    await response.body?.cancel();
  }

  /** Local verification, as a host's API would do it on every request: signature against the JWKS, ES256 only, issuer, audience, expiry. */
  async verify(token: string, kind: 'access' | 'id'): Promise<JWTPayload> {
    const { id } = await this.client();
    const { payload } = await jwtVerify(token, this.#jwks, {
      issuer: this.options.issuer,
      audience: id,
      algorithms: ['ES256'],
      ...(kind === 'access' ? { typ: 'at+jwt' } : {}),
    });
    return payload;
  }

  /** A call to Keyway's `/users/self` API as the signed-in user, with the session's access token. */
  asUser(accessToken: string, method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.options.internalUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** `GET /users/self`: Keyway also checks that the session is live, the user active and MFA validated, which a local check cannot. */
  async self(accessToken: string): Promise<{ user: SeedUserData } | { refusal: string; code: string }> {
    const response = await this.asUser(accessToken, 'GET', '/users/self');
    if (!response.ok) {
      const { message, code } = await keywayError(response);
      return { refusal: message, code };
    }
    return { user: ((await response.json()) as { data: SeedUserData }).data };
  }
}
