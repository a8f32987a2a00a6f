import type { AdapterContext, AdapterInput, AdapterOutcome, ProviderAdapter, RenewalOutcome } from './adapter.js';
import { fieldErrors, texts } from '../i18n/words.js';

export interface PasswordGrantSettings {
  /** `POST` endpoint of the OAuth2 password and refresh_token grants, e.g. https://api.example.com/oauth2/token. */
  tokenUrl: string;
  /** Base of the provider's API (the MFA endpoints live under `/users/self/mfa`). */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  mfaAttempts?: number;
  timeoutMs?: number;
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  data?: { id?: string; email?: string };
}

interface PendingMfa {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
  userId?: string;
}

/**
 * The OAuth2 password grant with the TOTP challenge of the seed-001 API: tokens first; if the API
 * then answers 401 "MFA required", the wizard asks for a code and `POST /users/self/mfa/validate`
 * marks the tokens as validated.
 */
export class PasswordGrantAdapter implements ProviderAdapter {
  readonly plan = ['credentials', 'mfa'] as const;

  constructor(private readonly settings: PasswordGrantSettings) {}

  async start(context: AdapterContext): Promise<AdapterOutcome> {
    return {
      type: 'step',
      step: {
        kind: 'credentials',
        provider: context.provider.summary.id,
        fields: [
          { name: 'username', ...texts({ label: 'field.email.label' }), type: 'email', required: true, autocomplete: 'username', maxLength: 254 },
          { name: 'password', ...texts({ label: 'field.password.label' }), type: 'password', required: true, autocomplete: 'current-password', maxLength: 256 },
        ],
      },
      state: {},
    };
  }

  async submit(context: AdapterContext, input: AdapterInput): Promise<AdapterOutcome> {
    if (input.kind === 'credentials') return this.#signIn(context, input.values['username'] ?? '', input.values['password'] ?? '');
    if (input.kind === 'mfa') return this.#validate(context, input.code);
    return { type: 'retry' };
  }

  async #signIn(context: AdapterContext, username: string, password: string): Promise<AdapterOutcome> {
    const response = await this.#post(this.settings.tokenUrl, undefined, {
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
      username,
      password,
      grant_type: 'password',
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      return { type: 'retry', ...fieldErrors({ password: 'password_grant.error.wrong_credentials' }) };
    }
    if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
    const tokens = (await response.json()) as TokenResponse;
    if (!tokens.access_token) throw new Error('the token endpoint answered without an access token');
    const pending: PendingMfa = {
      accessToken: tokens.access_token,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      ...(tokens.expires_in ? { expiresAt: new Date(context.now + tokens.expires_in * 1000).toISOString() } : {}),
      ...(tokens.data?.id ? { userId: tokens.data.id } : {}),
    };
    // The API itself says whether these tokens still need an MFA code.
    const probe = await this.#request('GET', `${this.settings.apiUrl}/users/self`, pending.accessToken);
    await probe.body?.cancel();
    if (probe.status === 401) {
      return {
        type: 'step',
        step: {
          kind: 'mfa',
          provider: context.provider.summary.id,
          method: 'totp',
          length: 6,
          canResend: false,
          maxAttempts: this.settings.mfaAttempts ?? 5,
          subject: username,
          ...texts({ hint: 'mfa.hint.authenticator_app' }),
        },
        state: { ...pending },
      };
    }
    if (!probe.ok) throw new Error(`the API answered ${probe.status} to a signed-in request`);
    return this.#connected(pending);
  }

  async #validate(context: AdapterContext, code: string): Promise<AdapterOutcome> {
    const pending = context.state as unknown as PendingMfa;
    const response = await this.#post(`${this.settings.apiUrl}/users/self/mfa/validate`, pending.accessToken, { token: code });
    await response.body?.cancel();
    if (response.status === 400 || response.status === 401 || response.status === 403 || response.status === 422) return { type: 'retry' };
    if (!response.ok) throw new Error(`MFA validation answered ${response.status}`);
    return this.#connected(pending);
  }

  #connected(pending: PendingMfa): AdapterOutcome {
    return {
      type: 'connected',
      account: {
        ...(pending.userId ? { externalId: pending.userId } : {}),
        secrets: { access_token: pending.accessToken, ...(pending.refreshToken ? { refresh_token: pending.refreshToken } : {}), ...(pending.expiresAt ? { expires_at: pending.expiresAt } : {}) },
        ...(pending.expiresAt && pending.refreshToken ? { expiresAt: Date.parse(pending.expiresAt) } : {}),
      },
    };
  }

  /** The refresh_token grant of the same endpoint; a refused refresh token means the user must reconnect. */
  async renew(secrets: Record<string, unknown>, now: number): Promise<RenewalOutcome> {
    const refreshToken = typeof secrets['refresh_token'] === 'string' ? secrets['refresh_token'] : undefined;
    if (!refreshToken) return { type: 'credentials' };
    const response = await this.#post(this.settings.tokenUrl, undefined, {
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
      refresh_token: refreshToken,
      grant_type: 'refresh_token',
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { type: 'credentials' };
    }
    if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
    const tokens = (await response.json()) as TokenResponse;
    const expiresAt = tokens.expires_in ? now + tokens.expires_in * 1000 : undefined;
    return {
      type: 'renewed',
      secrets: { ...secrets, access_token: tokens.access_token, refresh_token: tokens.refresh_token ?? refreshToken, ...(expiresAt ? { expires_at: new Date(expiresAt).toISOString() } : {}) },
      ...(expiresAt ? { expiresAt } : {}),
    };
  }

  #post(url: string, accessToken: string | undefined, body: Record<string, string>): Promise<Response> {
    return this.#request('POST', url, accessToken, body);
  }

  #request(method: 'GET' | 'POST', url: string, accessToken?: string, body?: Record<string, string>): Promise<Response> {
    return fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
  }
}
