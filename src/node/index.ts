/**
 * `keyway/node`: Keyway's API for a host app's backend, webhook verification and access-token checks.
 * Needs only Node's fetch and crypto; `verifyAccessToken` loads `jose` when first called.
 */
export { Keyway, type KeywayOptions } from './client.js';
export { KeywayError, WebhookVerificationError } from './errors.js';
export { verifyWebhook, type KeywayWebhookEvent, type VerifyWebhookOptions } from './webhooks.js';
export { verifyAccessToken, type KeywayAccessToken, type VerifyAccessTokenOptions } from './access-token.js';
export type * from '../protocol/index.js';
