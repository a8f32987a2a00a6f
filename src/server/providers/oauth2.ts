import * as client from 'openid-client';
import type { AdapterContext, AdapterInput, AdapterOutcome, ProviderAdapter, RenewalOutcome } from './adapter.js';
import type { OAuthEndpoints } from './oauth2-presets.js';

export interface OAuth2Settings extends OAuthEndpoints {
  clientId: string;
  clientSecret: string;
  /** Only for peers on loopback in tests and development: allow plain http. */
  allowHttp?: boolean;
  /** How long any request to the provider may take (default 10 s). */
  timeoutSeconds?: number;
}

/** How long the user has to finish at the provider. */
const AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

export const OAUTH_CALLBACK_PATH = '/oauth/callback';

const PROVIDER_TIMEOUT_SECONDS = 10;

interface PendingAuthorization {
  codeVerifier: string;
  nonce?: string;
}

/**
 * Authorization code with PKCE and `state` (the flow callback's one-time secret), OpenID Connect
 * where the provider offers discovery. Tokens go into the account's encrypted secrets.
 */
export class OAuth2Adapter implements ProviderAdapter {
  readonly plan = ['oauth'] as const;
  #configuration?: Promise<client.Configuration>;

  constructor(private readonly settings: OAuth2Settings) {}

  async start(context: AdapterContext): Promise<AdapterOutcome> {
    const config = await this.#config();
    const { token: state } = await context.callbacks.register({ kind: 'oauth', ttlMs: AUTHORIZATION_TTL_MS, withCode: false });
    const codeVerifier = client.randomPKCECodeVerifier();
    const oidc = this.#isOidc();
    const nonce = oidc ? client.randomNonce() : undefined;
    const authorizeUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: `${context.publicUrl}${OAUTH_CALLBACK_PATH}`,
      scope: this.settings.scopes.join(' '),
      state,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(nonce ? { nonce } : {}),
      ...this.settings.authorizationParams,
    });
    const pending: PendingAuthorization = { codeVerifier, ...(nonce ? { nonce } : {}) };
    return { type: 'step', step: { kind: 'oauth', provider: context.provider.summary.id, authorizeUrl: authorizeUrl.href }, state: { ...pending } };
  }

  async submit(_context: AdapterContext, _input: AdapterInput): Promise<AdapterOutcome> {
    return { type: 'retry' };
  }

  /** The provider redirected back: `payload.url` is the full callback URL, with `code` or `error`. */
  async callback(context: AdapterContext, payload: Record<string, string>): Promise<AdapterOutcome> {
    const callbackUrl = new URL(payload['url'] ?? '');
    const error = callbackUrl.searchParams.get('error');
    if (error === 'access_denied') return { type: 'failed', reason: 'access_denied', message: 'Access was not granted.' };
    if (error) return { type: 'failed', reason: 'provider_error', message: `The provider answered ${error}.` };
    const pending = context.state as unknown as PendingAuthorization;
    const config = await this.#config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: callbackUrl.searchParams.get('state') ?? '',
      ...(pending.nonce ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
    });
    const claims = tokens.claims();
    const expiresIn = tokens.expiresIn();
    return {
      type: 'connected',
      account: {
        ...(claims?.sub ? { externalId: claims.sub } : {}),
        secrets: {
          access_token: tokens.access_token,
          ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
          ...(expiresIn !== undefined ? { expires_at: new Date(context.now + expiresIn * 1000).toISOString() } : {}),
          ...(claims?.email ? { email: claims.email } : {}),
          token_type: tokens.token_type,
          scope: tokens.scope ?? this.settings.scopes.join(' '),
        },
        ...(expiresIn !== undefined && tokens.refresh_token ? { expiresAt: context.now + expiresIn * 1000 } : {}),
      },
    };
  }

  /** The refresh_token grant; `invalid_grant` means the user revoked access or the token died. */
  async renew(secrets: Record<string, unknown>, now: number): Promise<RenewalOutcome> {
    const refreshToken = typeof secrets['refresh_token'] === 'string' ? secrets['refresh_token'] : undefined;
    if (!refreshToken) return { type: 'credentials' };
    let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
    try {
      tokens = await client.refreshTokenGrant(await this.#config(), refreshToken);
    } catch (error) {
      if (error instanceof client.ResponseBodyError && (error.error === 'invalid_grant' || error.error === 'unauthorized_client')) return { type: 'credentials' };
      throw error;
    }
    const expiresIn = tokens.expiresIn();
    const expiresAt = expiresIn === undefined ? undefined : now + expiresIn * 1000;
    return {
      type: 'renewed',
      secrets: {
        ...secrets,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token ?? refreshToken,
        ...(expiresAt ? { expires_at: new Date(expiresAt).toISOString() } : {}),
      },
      ...(expiresAt ? { expiresAt } : {}),
    };
  }

  #isOidc(): boolean {
    return Boolean(this.settings.issuer) && this.settings.scopes.includes('openid');
  }

  /** Discovery happens once, on first use, so start-up never waits on a provider. */
  #config(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  async #discover(): Promise<client.Configuration> {
    const { settings } = this;
    const auth = settings.tokenAuth === 'client_secret_post' ? client.ClientSecretPost(settings.clientSecret) : client.ClientSecretBasic(settings.clientSecret);
    // A provider that hangs must not hold the user: every request to it gives up after this long.
    const timeout = settings.timeoutSeconds ?? PROVIDER_TIMEOUT_SECONDS;
    const options = { timeout, ...(settings.allowHttp ? { execute: [client.allowInsecureRequests] } : {}) };
    if (settings.issuer) return client.discovery(new URL(settings.issuer), settings.clientId, undefined, auth, options);
    if (!settings.authorizationEndpoint || !settings.tokenEndpoint) throw new Error('an OAuth provider needs an issuer, or both endpoints');
    const config = new client.Configuration(
      { issuer: new URL(settings.authorizationEndpoint).origin, authorization_endpoint: settings.authorizationEndpoint, token_endpoint: settings.tokenEndpoint },
      settings.clientId,
      undefined,
      auth,
    );
    config.timeout = timeout;
    if (settings.allowHttp) client.allowInsecureRequests(config);
    return config;
  }
}
