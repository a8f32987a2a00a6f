import type { Context, MiddlewareHandler } from 'hono';
import { isWebOrigin } from '../../protocol/url-rules.js';

/**
 * The Content-Security-Policy of hosted pages: no inline code at all, framing only by the link's
 * origins. Origins are checked again here, so a row stored before the check existed cannot add a directive.
 */
export function hostedPageCsp(origins: string[]): string {
  const frameAncestors = origins.filter(isWebOrigin);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

/** Headers every response of every route carries: no content sniffing, and no URL (which may hold a token) leaks as a referrer. */
const BASELINE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Sets the baseline on the finished response in place (`c.header()` after `next()` would copy the whole response). */
export function baselineHeaders(): MiddlewareHandler {
  return async function baselineHeadersMiddleware(c, next) {
    await next();
    for (const [name, value] of Object.entries(BASELINE_HEADERS)) c.res.headers.set(name, value);
  };
}

/** Headers every page Keyway renders carries besides the baseline and its CSP: it is never cached. */
const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export function setPageHeaders(c: Context, csp: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
  c.header('Content-Security-Policy', csp);
}
