import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Loopback, private, link-local, CGNAT and unique-local ranges: not places a user's mail server should be. */
function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:')) return isPrivateAddress(lower.slice(7));
  return lower === '::1' || lower === '::' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

/**
 * Resolves a host a user typed and refuses addresses inside the operator's network, so the
 * credentials step cannot be used to probe internal services. Returns the address to connect to,
 * so the check and the connection use the same resolution.
 */
export async function resolvePublicHost(host: string, options: { allowPrivate: boolean }): Promise<{ address: string } | { refused: 'not_found' | 'private' }> {
  let address: string;
  try {
    address = isIP(host) ? host : (await lookup(host)).address;
  } catch {
    return { refused: 'not_found' };
  }
  if (!options.allowPrivate && isPrivateAddress(address)) return { refused: 'private' };
  return { address };
}
