import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Every request Keyway makes to a URL a tenant gave it (webhooks today) goes through this module, so
 * a tenant cannot point Keyway at the operator's own network: loopback, private ranges, link-local
 * (cloud metadata at 169.254.169.254), CGNAT, unique-local, multicast, reserved, and IPv6 forms
 * that embed an IPv4 address. The rule is ipaddr.js's: only the `unicast` range is public.
 */

/** True for an address anyone on the internet could reach. IPv4-mapped IPv6 counts as not public, whatever it embeds. */
export function isPublicAddress(address: string): boolean {
  return rangeOf(address) === 'unicast';
}

/**
 * Whether Keyway may connect to `address`. With `allowPrivate` (an operator's opt-in) only the
 * unspecified address stays refused: 0.0.0.0 and :: reach this very host, and no receiver listens there on purpose.
 */
export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  const range = rangeOf(address);
  if (range === undefined || range === 'unspecified') return false;
  return allowPrivate || range === 'unicast';
}

function rangeOf(address: string): string | undefined {
  return ipaddr.isValid(address) ? ipaddr.parse(address).range() : undefined;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  ipv4Mapped: 'an IPv4-mapped address',
  multicast: 'a multicast address',
};

function describeAddress(address: string): string {
  const range = rangeOf(address) ?? 'invalid';
  return `${address} is ${RANGE_WORDS[range] ?? `not a public address (${range})`}`;
}

/**
 * Names that never lead to a public receiver: single labels (resolved from the local search
 * domain or hosts file), `localhost` and the special-use suffixes for local networks
 * (`.localhost`, `.local` mDNS, `.internal` with metadata.google.internal, `.home.arpa`).
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa'];

/**
 * The cheap check at link creation: the URL's host as WHATWG normalises it (`http://2130706433/`
 * and `http://0x7f000001/` both become 127.0.0.1), refused if it is a non-public IP literal or an
 * obviously local name. Returns why, or undefined. Names that resolve to private addresses pass
 * here; the connection-time check refuses them.
 */
export function obviousPrivateDestination(target: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(target).hostname.toLowerCase();
  } catch {
    return 'is not a URL';
  }
  const literal = ipLiteral(hostname);
  if (literal !== undefined) return isPublicAddress(literal) ? undefined : describeAddress(literal);
  const name = hostname.replace(/\.$/, '');
  if (!name.includes('.')) return `${name} is not a public host name`;
  if (LOCAL_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return `${name} is a local host name`;
  return undefined;
}

/** The IP address a URL hostname names directly (IPv6 without its brackets), if it is one. */
function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

/** Refused by the address rule; waiting does not make an address public, so callers should not retry. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
}

export class OutboundTimeoutError extends Error {
  override readonly name = 'OutboundTimeoutError';
}

export interface OutboundPolicy {
  /** The operator's opt-in for loopback and private receivers (KEYWAY_ALLOW_PRIVATE_WEBHOOKS). */
  allowPrivate: boolean;
  /** Name resolution; the system resolver unless a test gives its own. */
  lookup?: LookupFunction;
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Resolving, connecting and the TLS handshake. */
  connectTimeoutMs: number;
  /** From connected to the end of the (capped) response. */
  responseTimeoutMs: number;
  /** Response bytes kept; the rest is not read. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

/**
 * Resolves every address of the name and refuses the connection if any of them is not allowed,
 * so the address checked is the address connected to (no gap for DNS rebinding).
 */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  const resolve = policy.lookup ?? (systemLookup as LookupFunction);
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, result) => {
      if (error) return callback(error, '');
      const addresses: LookupAddress[] = typeof result === 'string' ? [{ address: result, family: isIP(result) }] : result;
      const refused = addresses.find((entry) => !isAllowedAddress(entry.address, policy.allowPrivate));
      if (refused) return callback(new OutboundRefusedError(`${hostname} resolves to ${describeAddress(refused.address)}`), '');
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/**
 * request-filtering-agent applies the same non-unicast rule inside the agent, to IP-literal hosts and
 * to lookup results, as a second guard should a path ever reach a socket without our lookup.
 * No keep-alive: each request is one fresh, checked connection.
 */
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: false, allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: false };
    agent = protocol === 'https:' ? new RequestFilteringHttpsAgent(options) : new RequestFilteringHttpAgent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * One request to a tenant-given URL: the address rule at connect time, a connect timeout shorter
 * than the response timeout (a dead host fails fast; a slow one gets its time), no redirects
 * (a 3xx is returned as is: following it would reach a URL nobody checked), a capped body.
 */
export function sendOutbound(target: string, request: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new OutboundRefusedError(`${url.protocol} URLs are not fetched`));
  const literal = ipLiteral(url.hostname);
  // An IP literal skips the lookup, so it is checked here.
  if (literal !== undefined && !isAllowedAddress(literal, policy.allowPrivate)) return Promise.reject(new OutboundRefusedError(describeAddress(literal)));
  const maxBytes = request.maxResponseBytes ?? 64 * 1024;

  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: Error) => finish(() => reject(error));
    const client = url.protocol === 'https:' ? https : http;
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const req = client.request(url, {
      method: request.method,
      headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: agentFor(url.protocol, policy.allowPrivate),
      lookup: guardedLookup(policy),
    });
    const onAbort = () => req.destroy(request.signal?.reason instanceof Error ? request.signal.reason : new Error('aborted'));
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const expire = (phase: string, ms: number) => () => req.destroy(new OutboundTimeoutError(`${phase} timed out after ${ms} ms`));
    timer = setTimeout(expire('connecting', request.connectTimeoutMs), request.connectTimeoutMs);
    req.once('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        if (!settled) timer = setTimeout(expire('waiting for the response', request.responseTimeoutMs), request.responseTimeoutMs);
      });
    });
    // `on`, not `once`: a destroyed request may report more than one error, and each must be handled.
    req.on('error', fail);
    req.once('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) =>
        finish(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), truncated }));
      response.on('data', (chunk: Buffer) => {
        const room = maxBytes - size;
        chunks.push(chunk.subarray(0, Math.max(room, 0)));
        size += chunk.length;
        if (size > maxBytes) {
          done(true);
          req.destroy();
        }
      });
      response.once('end', () => done(false));
      response.on('error', fail);
      response.once('close', () => {
        if (!response.complete) fail(new Error('the response was cut off'));
      });
    });
    req.end(body);
  });
}
