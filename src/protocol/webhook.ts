import * as z from 'zod/mini';
import { HttpUrl } from './common.js';
import { FailureCode } from './step.js';

/** Flow outcomes, and later changes of a connected account's status (`CREDENTIALS`: the user must reconnect). */
export const WebhookStatus = z.enum(['CREATION_SUCCESS', 'RECONNECTED', 'CREATION_FAILED', 'RECONNECT_FAILED', 'CREDENTIALS']);
export type WebhookStatus = z.infer<typeof WebhookStatus>;

/** The body POSTed to a link's `notify_url`: seed-003 fields plus Keyway's own. */
export const WebhookEvent = z.object({
  status: WebhookStatus,
  /** Set when an account was stored (success statuses). */
  account_id: z.nullable(z.string()),
  /** The `name` given when the link was created (the host's own user id). */
  name: z.nullable(z.string()),
  event_id: z.string(),
  provider: z.nullable(z.string()),
  occurred_at: z.iso.datetime(),
  /** Set on failure statuses. */
  reason: z.optional(FailureCode),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/**
 * The sign-in half's events, POSTed to the tenant's webhook URL (`PUT /api/v1/webhook`), signed like
 * every webhook. `session_id` names the refresh-token family (the `sid` of its access tokens).
 */
export const IdentityWebhookEvent = z.object({
  status: z.enum(['USER_SIGNED_IN', 'REFRESH_TOKEN_REUSED']),
  event_id: z.string(),
  occurred_at: z.iso.datetime(),
  user_id: z.string(),
  client_id: z.string(),
  /** How the user proved who they are (USER_SIGNED_IN). */
  method: z.optional(z.string()),
  session_id: z.optional(z.string()),
});
export type IdentityWebhookEvent = z.infer<typeof IdentityWebhookEvent>;

/** `GET|PUT /api/v1/webhook`: the tenant's webhook URL for sign-in events. */
export const TenantWebhook = z.strictObject({ url: HttpUrl });
export type TenantWebhook = z.infer<typeof TenantWebhook>;
