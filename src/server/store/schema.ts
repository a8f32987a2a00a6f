/** Row shapes. Times are epoch milliseconds; JSON columns are text; `sealed_*` columns are AES-GCM sealed. */
export interface TenantTable {
  id: string;
  name: string;
  sealed_webhook_secret: string;
  /** Receives the sign-in half's events; null when the tenant set none. */
  webhook_url: string | null;
  /** How long its user tokens live (seed 002); null: USER_TOKEN_TTL.default. */
  user_token_ttl_seconds: number | null;
  /** 1: a user without MFA sets it up in the wizard before signing in. */
  require_mfa: number;
  /** Seconds a message token signs in for; null keeps the default (7 days). */
  message_token_ttl_seconds: number | null;
  /** OnboardingSettings as JSON; null: DEFAULT_ONBOARDING_SETTINGS. Optional so that code making tenants need not know of it. */
  onboarding_json?: string | null;
  created_at: number;
}

/** `api`: X-API-KEY for the whole API; `private_token`: only mints user tokens, as a Bearer key (seed 002). */
export type ApiKeyKind = 'api' | 'private_token';

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  kind: ApiKeyKind;
  key_hash: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface LinkTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  /** `signin`: a sign-in link (login URL, authorization request); its details are in signin_requests. */
  type: 'create' | 'reconnect' | 'signin';
  providers_json: string;
  api_url: string;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  notify_url: string | null;
  name: string | null;
  reconnect_account: string | null;
  origins_json: string;
  locale: string | null;
  expires_at: number;
  created_at: number;
  used_at: number | null;
  /** 1: report the link expiring unopened. */
  notify_on_expiry: number;
  /** When its expiry was reported (opened expired, or by the expiry job); it is reported once. */
  expiry_reported_at: number | null;
  /** The host's "send me a new link" page. */
  new_link_url: string | null;
}

export interface FlowTable {
  id: string;
  tenant_id: string;
  link_id: string;
  token_hash: string;
  status: 'active' | 'succeeded' | 'failed' | 'expired';
  /** The current step as the wizard sees it, sealed: it may show one-time secrets. */
  sealed_step: string;
  sealed_state: string;
  provider: string | null;
  account_id: string | null;
  version: number;
  /** MFA codes tried over all of this flow's challenges. */
  mfa_attempts: number;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface ChallengeTable {
  id: string;
  flow_id: string;
  attempts: number;
  max_attempts: number;
  created_at: number;
}

export interface AccountTable {
  id: string;
  tenant_id: string;
  provider: string;
  name: string | null;
  status: 'OK' | 'CREDENTIALS' | 'ERROR' | 'CONNECTING';
  external_id: string | null;
  sealed_secrets: string;
  /** The link's notify_url, for webhooks about this account after it was connected. */
  notify_url: string | null;
  /** When the tokens should be renewed (a little before they expire); null when they do not expire. */
  renew_at: number | null;
  renew_lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface OutboxTable {
  id: string;
  tenant_id: string;
  event_id: string;
  url: string;
  /** The URL's lower-case origin: deliveries are limited per destination. */
  destination: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  created_at: number;
}

/** A one-time secret that lets something outside the wizard (a phone, an OAuth redirect) act on a flow. */
export interface FlowCallbackTable {
  id: string;
  flow_id: string;
  kind: 'pairing' | 'oauth';
  token_hash: string;
  /** Digest of the short typed code, for people who cannot scan. */
  code_hash: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** A tenant's white-label brand; `domain` is the Host its wizard and links use. */
export interface BrandTable {
  tenant_id: string;
  domain: string | null;
  settings_json: string;
  updated_at: number;
}

/** A host app's own user (seed 004), per tenant. */
export interface UserTable {
  id: string;
  tenant_id: string;
  email: string;
  /** `email` lower-cased: unique per tenant. */
  email_key: string;
  type: 'PERSONAL' | 'BUSINESS';
  first_name: string;
  last_name: string;
  status: 'ACTIVE' | 'INACTIVE';
  phone_number: string | null;
  timezone: string | null;
  mfa_enabled: number;
  has_password: number;
  /** argon2id, PHC format; never leaves the server (userView and seedUserData pick their fields). */
  password_hash: string | null;
  /**
   * The host's `uid` for this user (seed 002), slow-hashed; null until a user token binds one.
   * Optional here so that code making users need not know of it.
   */
  uid_hash?: string | null;
  created_at: number;
  updated_at: number;
}

/** An OAuth client of a tenant; `id` is the `client_id`. */
export interface OAuthClientTable {
  id: string;
  tenant_id: string;
  name: string;
  /** SHA-256 of the client secret; null for a public client, which must use PKCE. */
  secret_hash: string | null;
  redirect_uris_json: string;
  grant_types_json: string;
  created_at: number;
  revoked_at: number | null;
}

/** How a user proved who they are, as recorded on codes and sessions. */
export type SignInMethod = 'login_url' | 'email_code' | 'email_link' | 'password' | 'user_token' | 'message_token';

/** What a sign-in link asks for: the client, where to send the code, and (for a login URL) who. */
export interface SignInRequestTable {
  link_id: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: 'S256' | null;
  user_id: string | null;
  login_hint: string | null;
  /** How the user is to prove it: a login URL is itself the proof; an authorization request asks for an email code. */
  method: SignInMethod;
  /** For a magic link: the authorization request it was mailed for. */
  parent_link_id: string | null;
}

export interface AuthorizationCodeTable {
  id: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  code_hash: string;
  redirect_uri: string;
  scope: string;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: 'S256' | null;
  auth_method: SignInMethod;
  auth_time: number;
  /** 1: the sign-in passed MFA; the session it starts is validated. Optional on insert: the column defaults to 0. */
  mfa_validated?: number;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface TokenFamilyTable {
  id: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  /** The code the session came from, so a replayed code can revoke what it issued (RFC 6749 §4.1.2). */
  authorization_code_id: string | null;
  scope: string;
  auth_method: SignInMethod;
  auth_time: number;
  mfa_validated: number;
  created_at: number;
  /** Absolute end of the session. */
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface RefreshTokenTable {
  id: string;
  family_id: string;
  token_hash: string;
  parent_id: string | null;
  created_at: number;
  idle_expires_at: number;
  rotated_at: number | null;
  /** The child's token, sealed, kept only for the few seconds a lost answer may be retried. */
  sealed_child: string | null;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  public_jwk: string;
  sealed_private_jwk: string;
  created_at: number;
  /** No longer signs from this time on. */
  retired_at: number | null;
  /** Leaves the JWKS at this time (after the last token it signed has expired). */
  unpublish_at: number | null;
}

/** Mail waiting to go out, or sent: the durable outbox the mail worker drains. */
export interface MailOutboxTable {
  id: string;
  tenant_id: string;
  /** What the mail is for, e.g. `signin_code`, `message`. */
  kind: string;
  ref_id: string | null;
  to_address: string;
  subject: string;
  /** `{ text, html }`, sealed; '' once sent or given up. */
  sealed_body: string;
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  /** Given up unsent after this time. */
  expires_at: number | null;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  created_at: number;
}

/** A user's TOTP factor; `confirmed_at` null until the first code verifies the setup. */
export interface MfaFactorTable {
  id: string;
  tenant_id: string;
  user_id: string;
  /** The base32 secret, sealed. */
  sealed_secret: string;
  created_at: number;
  confirmed_at: number | null;
  /** The TOTP time step of the last code accepted; codes of that step or earlier are refused as replays. */
  last_used_step: number | null;
}

/** Single-use recovery codes, stored as SHA-256 digests salted with the user's id. */
export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** A user token minted (seed 002): its jti, hashed, is used at most once, before `expires_at`. */
export interface UserTokenTable {
  jti_hash: string;
  tenant_id: string;
  user_id: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** The message's delivery as seed 000 names it. */
export type MessageStatus = 'scheduled' | 'queued' | 'sent' | 'failed';

/**
 * A message sent to a user (the seed's client) through the mail outbox. `content` is the seed's
 * `content` object as JSON, links as the host sent them (the token is added only in the mail);
 * `agent_id` is the host's own id as JSON (a number or a string, returned as it came).
 */
export interface MessageTable {
  id: string;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  sender: string;
  source: string;
  content: string;
  /** SHA-256 of the message's UUID token, which is never stored. */
  token_hash: string;
  token_expires_at: number;
  /** When the token signed its user in; once only. */
  token_used_at: number | null;
  status: MessageStatus;
  schedule_at: number | null;
  sent_at: number | null;
  failure_reason: string | null;
  /** The mail_outbox row that carries it. */
  mail_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The hosted sign-in link of a message (`/login/?message_token=`): one per message, so reopening the mail reuses it. */
export interface MessageSigninTable {
  link_id: string;
  message_id: string;
}

/** Failed password sign-ins under one key (`user:…`, `email:…`, `address:…`); see identity/password-lockout.ts. */
export interface PasswordFailureTable {
  key: string;
  failures: number;
  locked_until: number | null;
  updated_at: number;
}

/** rate-limiter-flexible's counters: points used under a key until `expire` (epoch ms). */
export interface RateLimitTable {
  key: string;
  points: number;
  expire: number | null;
}

export interface Database {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
  links: LinkTable;
  flows: FlowTable;
  challenges: ChallengeTable;
  accounts: AccountTable;
  webhook_outbox: OutboxTable;
  flow_callbacks: FlowCallbackTable;
  brands: BrandTable;
  rate_limits: RateLimitTable;
  users: UserTable;
  oauth_clients: OAuthClientTable;
  signin_requests: SignInRequestTable;
  authorization_codes: AuthorizationCodeTable;
  token_families: TokenFamilyTable;
  refresh_tokens: RefreshTokenTable;
  signing_keys: SigningKeyTable;
  mail_outbox: MailOutboxTable;
  user_tokens: UserTokenTable;
  mfa_factors: MfaFactorTable;
  recovery_codes: RecoveryCodeTable;
  password_failures: PasswordFailureTable;
  messages: MessageTable;
  message_signins: MessageSigninTable;
}
