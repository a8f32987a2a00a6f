/** Row shapes. Times are epoch milliseconds; JSON columns are text; `sealed_*` columns are AES-GCM sealed. */
export interface TenantTable {
  id: string;
  name: string;
  sealed_webhook_secret: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  key_hash: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface LinkTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  type: 'create' | 'reconnect';
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
}
