import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isAllowedAddress } from '../security/outbound.js';

/**
 * Resolves a host a user typed and refuses addresses inside the operator's network (the same rule
 * as webhooks), so the credentials step cannot be used to probe internal services. Returns the
 * address to connect to, so the check and the connection use the same resolution.
 */
export async function resolvePublicHost(host: string, options: { allowPrivate: boolean }): Promise<{ address: string } | { refused: 'not_found' | 'private' }> {
  let address: string;
  try {
    address = isIP(host) ? host : (await lookup(host)).address;
  } catch {
    return { refused: 'not_found' };
  }
  if (!isAllowedAddress(address, options.allowPrivate)) return { refused: 'private' };
  return { address };
}
