/** URL rules shared by the zod schemas and the browser bundle (which does not load zod). */

/** An absolute http(s) URL without embedded credentials. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A host as the URL parser leaves it that names one real machine: a DNS name (letters, digits,
 * hyphens), a dotted IPv4 address or a bracketed IPv6 one. No wildcards, quotes or separators,
 * since an origin ends up in a CSP header.
 */
function isRealHost(hostname: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/.test(hostname)) return true;
  if (hostname.length > 253) return false;
  const labels = hostname.split('.');
  return labels.every((label) => DNS_LABEL.test(label));
}

/** An exact web origin such as `https://app.example.com`: scheme, a real host and optional port, nothing more. */
export function isWebOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && isRealHost(url.hostname);
  } catch {
    return false;
  }
}

/**
 * A path inside the host app, safe to redirect to on the app's own origin: one leading `/`, then
 * no second `/` or `\` straight after it, no control characters, no scheme. Checked on the text and on
 * each percent-decoding of it, since a browser or a proxy may decode `%2F%2F` into `//` on the way.
 */
export function isInternalPath(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  let current = value;
  for (let round = 0; round < 4; round += 1) {
    if (!current.startsWith('/') || current.startsWith('//') || current.startsWith('/\\') || current.includes('\\')) return false;
    if (/[\u0000-\u001f\u007f]/.test(current)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) return true;
    current = decoded;
  }
  // Still decoding after several rounds: nobody writes a path like that by accident.
  return false;
}
