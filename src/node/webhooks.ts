import type { IdentityWebhookEvent, MessageWebhookEvent, WebhookEvent } from '../protocol/index.js';
import { DEFAULT_TOLERANCE_SECONDS, verifyWebhook as checkSignature } from '../server/webhooks/signature.js';
import { WebhookVerificationError } from './errors.js';

/** Every body Keyway POSTs: a link's flow outcome or account change, a sign-in event, or a message's. */
export type KeywayWebhookEvent = WebhookEvent | IdentityWebhookEvent | MessageWebhookEvent;

export interface VerifyWebhookOptions {
  /** How old a delivery may be; default 300 s. Keyway retries with a fresh timestamp each time. */
  toleranceSeconds?: number;
  /** The clock, in epoch ms, for tests. */
  now?: number;
}

const REASONS = {
  malformed: 'The Keyway-Signature header is missing or malformed.',
  too_old: 'The delivery is older than the tolerance (a replay, or a clock far off).',
  mismatch: 'The signature does not match this body and secret.',
} as const;

/**
 * The event a webhook delivery carries, once its `Keyway-Signature` is proven: pass the body exactly as
 * it arrived (a re-serialised JSON object would not match). Throws `WebhookVerificationError` otherwise.
 */
export function verifyWebhook(secret: string, rawBody: string | Uint8Array, signatureHeader: string | null | undefined, options: VerifyWebhookOptions = {}): KeywayWebhookEvent {
  if (!secret) throw new TypeError('verifyWebhook: the webhook secret is required');
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: false }).decode(rawBody);
  const check = checkSignature(secret, body, signatureHeader, { toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, ...(options.now === undefined ? {} : { now: options.now }) });
  if (!check.valid) throw new WebhookVerificationError(check.reason, REASONS[check.reason]);
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The signed body is not JSON.');
  }
  const shaped = typeof event === 'object' && event !== null && typeof (event as { event_id?: unknown }).event_id === 'string' && typeof (event as { status?: unknown }).status === 'string';
  if (!shaped) throw new WebhookVerificationError('invalid_body', 'The signed body is not a Keyway event.');
  return event as KeywayWebhookEvent;
}
