import type { HostMessage } from '../../protocol/host-message.js';
import { isHttpUrl, isWebOrigin } from '../../protocol/url-rules.js';

/** What the wizard needs of `window.opener` / `window.parent`; tests stand in for it. */
export interface HostMessageTarget {
  postMessage(message: HostMessage, targetOrigin: string): void;
}

/**
 * Posts one copy of the message per allowed origin. The browser drops a copy whose
 * origin does not match the receiving page, so only the host origins ever see it.
 * Anything that is not an exact origin (including `'*'`) is skipped.
 */
export function postToHost(target: HostMessageTarget | null, origins: readonly string[], message: HostMessage): void {
  if (!target) return;
  for (const origin of new Set(origins)) {
    if (!isWebOrigin(origin)) continue;
    target.postMessage(message, origin);
  }
}

/** Reads `hostOrigins` and `redirectUrl` from a 410 link_expired error's details, keeping only valid values. */
export function linkErrorDetails(details: unknown): { hostOrigins: string[]; redirectUrl?: string; newLinkUrl?: string } {
  const raw = (details ?? {}) as { hostOrigins?: unknown; redirectUrl?: unknown; newLinkUrl?: unknown };
  const hostOrigins = Array.isArray(raw.hostOrigins)
    ? raw.hostOrigins.filter(isWebOrigin)
    : [];
  const url = (value: unknown) => (typeof value === 'string' && isHttpUrl(value) ? value : undefined);
  const redirectUrl = url(raw.redirectUrl);
  const newLinkUrl = url(raw.newLinkUrl);
  return { hostOrigins, ...(redirectUrl ? { redirectUrl } : {}), ...(newLinkUrl ? { newLinkUrl } : {}) };
}
