import type { Context } from 'hono';

/** The Content-Security-Policy of hosted pages: no inline code at all, framing only by the link's origins. */
export function hostedPageCsp(frameAncestors: string[]): string {
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

/** Headers every page Keyway renders carries besides its CSP: its URL may hold a secret, and it is never cached. */
const PAGE_HEADERS: Record<string, string> = {
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export function setPageHeaders(c: Context, csp: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
  c.header('Content-Security-Policy', csp);
}
