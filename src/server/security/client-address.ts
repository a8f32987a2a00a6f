import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

export type ClientAddressOf = (c: Context) => string;

/**
 * The address rate limits are keyed by. Behind `trustedProxies` reverse proxies it is the entry
 * they appended to X-Forwarded-For (entries further left are the client's own say, so never
 * trusted); otherwise the socket's peer. IPv6 clients are keyed by their /64, which one
 * subscriber usually holds whole.
 */
export function clientAddressOf(trustedProxies: number): ClientAddressOf {
  return (c) => {
    const socketAddress = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
    let address = socketAddress;
    if (trustedProxies > 0) {
      const chain = (c.req.header('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
      address = chain[chain.length - trustedProxies] ?? chain[0] ?? socketAddress;
    }
    return limitKeyOf(address);
  };
}

export function limitKeyOf(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
