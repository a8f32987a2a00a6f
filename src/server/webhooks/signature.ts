import { createHmac } from 'node:crypto';
import { safeEqual } from '../security/tokens.js';

/** How old a signed webhook may be before a receiver should refuse it. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function digest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `Keyway-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${digest(secret, timestamp, body)}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: 'malformed' | 'too_old' | 'mismatch' };

/**
 * What a receiver runs on the raw body: the MAC must match and the timestamp must be recent,
 * so a captured delivery cannot be replayed later.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { now?: number; toleranceSeconds?: number } = {},
): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const mac = parts.get('v1');
  if (!Number.isInteger(timestamp) || !mac || !/^[0-9a-f]{64}$/.test(mac)) return { valid: false, reason: 'malformed' };
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { valid: false, reason: 'too_old' };
  return safeEqual(mac, digest(secret, timestamp, body)) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
