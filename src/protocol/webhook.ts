import * as z from 'zod/mini';
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
