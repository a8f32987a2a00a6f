import type {
  Account,
  AccountDeleted,
  AccountList,
  AccountListQuery,
  BrandSettings,
  HostedAuthUrl,
  LinkRequest,
  LoginUrl,
  LoginUrlRequest,
  Message,
  MessageCreateRequest,
  MessageList,
  MessageLookup,
  OAuthClient,
  OAuthClientDeleted,
  OAuthClientList,
  OAuthClientRequest,
  OnboardingSettings,
  TenantWebhook,
  User,
  UserCreateRequest,
  UserDeleted,
  UserList,
  UserListQuery,
  UserStatus,
  UserTokenAnswer,
  UserTokenRequest,
  UserTokenSettings,
  UserUpdateRequest,
} from '../protocol/index.js';
import { KeywayError } from './errors.js';
import { Transport, type CallOptions } from './transport.js';

export interface KeywayOptions {
  /** A tenant API key (`keyway keys create --tenant T`). Keep it on the server. */
  apiKey: string;
  /** Where Keyway answers, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** The tenant's private token key (`--kind private-token`), only for `userTokens.create`. */
  privateTokenKey?: string;
  /** Retries of idempotent calls on 429/503 or a lost connection; default 2. */
  maxRetries?: number;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** A fetch of your own (a proxy agent, a test double of the network); default the global one. */
  fetch?: typeof fetch;
}

type Page<T> = { items: T[]; cursor: string | null };

/** Every item of a keyset-paged list, fetching the next page only when the caller gets that far. */
async function* everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    yield* answer.items;
    cursor = answer.cursor ?? undefined;
  } while (cursor);
}

const segment = (id: string): string => encodeURIComponent(id);

/** Keyway's API for a host app's backend: one method per endpoint, typed from Keyway's own protocol. */
export class Keyway {
  readonly #transport: Transport;
  readonly #apiKey: string;
  readonly #privateTokenKey: string | undefined;

  constructor(options: KeywayOptions) {
    if (!options.apiKey) throw new TypeError('Keyway: apiKey is required');
    if (!/^https?:\/\//.test(options.baseUrl ?? '')) throw new TypeError('Keyway: baseUrl must be an http(s) URL');
    this.#apiKey = options.apiKey;
    this.#privateTokenKey = options.privateTokenKey;
    this.#transport = new Transport({
      baseUrl: options.baseUrl,
      maxRetries: options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    });
  }

  #api<T>(method: CallOptions['method'], path: string, extra: Pick<CallOptions, 'query' | 'body'> = {}): Promise<T> {
    return this.#transport.call<T>({ method, path: `/api/v1${path}`, headers: { 'x-api-key': this.#apiKey }, ...extra });
  }

  /** Hosted-auth links (seed 003): the URL the host's user opens to connect an account. */
  readonly links = {
    create: (request: LinkRequest): Promise<HostedAuthUrl> => this.#api('POST', '/hosted/accounts/link', { body: request }),
  };

  readonly accounts = {
    list: (query: AccountListQuery = {}): Promise<AccountList> => this.#api('GET', '/accounts', { query }),
    /** Every account, newest first, page by page as the loop advances. */
    iterate: (query: Omit<AccountListQuery, 'cursor'> = {}): AsyncGenerator<Account> => everyItem((cursor) => this.accounts.list({ ...query, ...(cursor ? { cursor } : {}) })),
    get: (id: string): Promise<Account> => this.#api('GET', `/accounts/${segment(id)}`),
    delete: (id: string): Promise<AccountDeleted> => this.#api('DELETE', `/accounts/${segment(id)}`),
  };

  /** The tenant's white-label brand. */
  readonly brand = {
    get: (): Promise<BrandSettings> => this.#api('GET', '/brand'),
    update: (settings: BrandSettings): Promise<BrandSettings> => this.#api('PUT', '/brand', { body: settings }),
    reset: (): Promise<void> => this.#api('DELETE', '/brand'),
  };

  /** The host app's own users (seed 004). */
  readonly users = {
    list: (query: UserListQuery = {}): Promise<UserList> => this.#api('GET', '/users', { query }),
    iterate: (query: Omit<UserListQuery, 'cursor'> = {}): AsyncGenerator<User> => everyItem((cursor) => this.users.list({ ...query, ...(cursor ? { cursor } : {}) })),
    create: (user: UserCreateRequest): Promise<User> => this.#api('POST', '/users', { body: user }),
    get: (id: string): Promise<User> => this.#api('GET', `/users/${segment(id)}`),
    update: (id: string, changes: UserUpdateRequest): Promise<User> => this.#api('PUT', `/users/${segment(id)}`, { body: changes }),
    setStatus: (id: string, status: UserStatus): Promise<User> => this.#api('PUT', `/users/${segment(id)}/status`, { body: { status } }),
    setPassword: (id: string, password: string): Promise<void> => this.#api('PUT', `/users/${segment(id)}/password`, { body: { password } }),
    removePassword: (id: string): Promise<void> => this.#api('DELETE', `/users/${segment(id)}/password`),
    delete: (id: string): Promise<UserDeleted> => this.#api('DELETE', `/users/${segment(id)}`),
    /** A single-use URL that signs the user in (seed 004); send it to them, never open it yourself. */
    createLoginUrl: (id: string, options: LoginUrlRequest = {}): Promise<LoginUrl> => this.#api('POST', `/users/${segment(id)}/login_url`, { body: options }),
  };

  /** User tokens (seed 002), minted with the private token key rather than the API key. */
  readonly userTokens = {
    create: (request: UserTokenRequest): Promise<UserTokenAnswer> => {
      if (!this.#privateTokenKey) return Promise.reject(new KeywayError({ code: 'private_token_key_missing', message: 'userTokens.create needs the privateTokenKey option', status: 0 }));
      return this.#transport.call({ method: 'POST', path: '/api/v1/user/token', headers: { authorization: `Bearer ${this.#privateTokenKey}` }, body: request });
    },
    settings: (): Promise<UserTokenSettings> => this.#api('GET', '/user/token/settings'),
    /** `null` goes back to the default lifetime. */
    updateSettings: (ttlSeconds: number | null): Promise<UserTokenSettings> => this.#api('PUT', '/user/token/settings', { body: { ttl_seconds: ttlSeconds } }),
  };

  /** Messages to users, each mailed with its sign-in token in every link (seed 000). */
  readonly messages = {
    send: (message: MessageCreateRequest): Promise<Message> => this.#api('POST', '/messages', { body: message }),
    /** The message (and so the client) a `?token=` names; `messages` is empty for an unknown token. Read-only: it signs no one in. */
    findByToken: (token: string): Promise<MessageLookup> => this.#api('GET', '/messages', { query: { token } }),
    listByClient: (clientId: string, page: { limit?: number; cursor?: string } = {}): Promise<MessageList> => this.#api('GET', '/messages', { query: { clientId, ...page } }),
    iterateByClient: (clientId: string, page: { limit?: number } = {}): AsyncGenerator<Message> =>
      everyItem(async (cursor) => {
        const answer = await this.messages.listByClient(clientId, { ...page, ...(cursor ? { cursor } : {}) });
        return { items: answer.messages, cursor: answer.cursor };
      }),
    get: (messageId: string): Promise<Message> => this.#api('GET', `/messages/${segment(messageId)}`),
  };

  /** OAuth clients that exchange sign-in codes for sessions. */
  readonly oauthClients = {
    create: (client: OAuthClientRequest): Promise<OAuthClient> => this.#api('POST', '/oauth/clients', { body: client }),
    list: (): Promise<OAuthClientList> => this.#api('GET', '/oauth/clients'),
    get: (id: string): Promise<OAuthClient> => this.#api('GET', `/oauth/clients/${segment(id)}`),
    delete: (id: string): Promise<OAuthClientDeleted> => this.#api('DELETE', `/oauth/clients/${segment(id)}`),
  };

  /** Where the sign-in half's events go, and the tenant's sign-in settings. */
  readonly settings = {
    webhook: (): Promise<TenantWebhook> => this.#api('GET', '/webhook'),
    setWebhook: (url: string): Promise<TenantWebhook> => this.#api('PUT', '/webhook', { body: { url } }),
    removeWebhook: (): Promise<void> => this.#api('DELETE', '/webhook'),
    mfa: (): Promise<{ required: boolean }> => this.#api('GET', '/settings/mfa'),
    setMfa: (required: boolean): Promise<{ required: boolean }> => this.#api('PUT', '/settings/mfa', { body: { required } }),
    /** What `openOnboarding=true` asks of a user before the sign-in completes (the defaults until set). */
    onboarding: (): Promise<OnboardingSettings> => this.#api('GET', '/settings/onboarding'),
    setOnboarding: (settings: OnboardingSettings): Promise<OnboardingSettings> => this.#api('PUT', '/settings/onboarding', { body: settings }),
  };
}
