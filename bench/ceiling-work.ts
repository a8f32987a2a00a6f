/**
 * The work of link creation written by hand, shared by the SQLite and PostgreSQL ceilings: the
 * same checks Keyway makes, with no framework, no query builder and prepared statements only.
 * The figure Keyway is measured against; it is a benchmark, not a second implementation.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface KeyRow {
  tenant_id: string;
  kind: string;
  key_hash: string;
  revoked_at: number | null;
}

export interface CeilingDriver {
  keyById(id: string): Promise<KeyRow | undefined>;
  /** One row, in the column order of `LINK_COLUMNS`. */
  insertLink(values: unknown[]): Promise<void>;
}

export const LINK_COLUMNS = [
  'id', 'tenant_id', 'token_hash', 'type', 'providers_json', 'api_url', 'success_redirect_url', 'failure_redirect_url', 'notify_url',
  'name', 'reconnect_account', 'origins_json', 'locale', 'expires_at', 'created_at', 'used_at', 'notify_on_expiry', 'expiry_reported_at', 'new_link_url',
];

const KEY_SHAPE = /^kw_([A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const refuse = (response: ServerResponse, status: number, code: string) => answer(response, status, { error: { code, message: code } });

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function createLink(driver: CeilingDriver, publicUrl: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const key = request.headers['x-api-key'];
  const id = typeof key === 'string' ? KEY_SHAPE.exec(key)?.[1] : undefined;
  if (!id || typeof key !== 'string') return refuse(response, 401, 'invalid_api_key');
  const row = await driver.keyById(id);
  const digest = Buffer.from(createHash('sha256').update(key).digest('hex'));
  if (!row || row.kind !== 'api' || row.revoked_at !== null || !timingSafeEqual(Buffer.from(row.key_hash), digest)) return refuse(response, 401, 'invalid_api_key');

  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readBody(request)) as Record<string, unknown>;
  } catch {
    return refuse(response, 400, 'invalid_json');
  }
  const now = Date.now();
  const expiresAt = typeof body['expiresOn'] === 'string' ? Date.parse(body['expiresOn']) : NaN;
  const apiUrl = httpUrl(body['api_url']);
  const success = body['success_redirect_url'] === undefined ? null : httpUrl(body['success_redirect_url']);
  const failure = body['failure_redirect_url'] === undefined ? null : httpUrl(body['failure_redirect_url']);
  const notify = body['notify_url'] === undefined ? null : httpUrl(body['notify_url']);
  if ((body['type'] !== 'create' && body['type'] !== 'reconnect') || body['providers'] !== '*' || !apiUrl || success === undefined || failure === undefined || notify === undefined) {
    return refuse(response, 400, 'invalid_request');
  }
  if (!(expiresAt >= now + 30_000 && expiresAt <= now + DAY_MS)) return refuse(response, 422, 'invalid_expiry');
  const origins = [...new Set([success, failure].filter((url): url is string => url !== null).map((url) => new URL(url).origin))];

  const token = randomBytes(32).toString('base64url');
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const name = typeof body['name'] === 'string' ? body['name'] : null;
  await driver.insertLink([randomUUID(), row.tenant_id, tokenHash, body['type'], JSON.stringify('*'), apiUrl, success, failure, notify,
    name, null, JSON.stringify(origins), null, expiresAt, now, null, 0, null, null]);
  answer(response, 201, { object: 'HostedAuthURL', url: `${publicUrl}/connect/${token}` });
}

/** A POST route of a ceiling besides link creation; `body` is the parsed JSON. */
export type CeilingRoute = (request: IncomingMessage, body: Record<string, unknown>) => { status: number; body: unknown };

/** Listens on a free loopback port and prints `listening <port>` once it does. */
export function serveCeiling(driver: CeilingDriver, routes: Record<string, CeilingRoute> = {}): void {
  let publicUrl = '';
  const server = createServer((request, response) => {
    const route = request.method === 'POST' && request.url ? routes[request.url] : undefined;
    if (route) return void answerRoute(route, request, response);
    if (request.method !== 'POST' || request.url !== '/api/v1/hosted/accounts/link') return refuse(response, 404, 'not_found');
    createLink(driver, publicUrl, request, response).catch(() => {
      if (!response.headersSent) refuse(response, 503, 'unavailable');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    publicUrl = `http://127.0.0.1:${port}`;
    console.log(`listening ${port}`);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

async function answerRoute(route: CeilingRoute, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readBody(request)) as Record<string, unknown>;
  } catch {
    return refuse(response, 400, 'invalid_json');
  }
  try {
    const answered = route(request, body);
    answer(response, answered.status, answered.body);
  } catch {
    refuse(response, 500, 'internal_error');
  }
}

/** A key row as Keyway's own createApiKey writes it: `kw_<id>_<secret>`, stored as its SHA-256 digest. */
export function newCeilingKey(): { id: string; apiKey: string; keyHash: string } {
  const id = randomBytes(9).toString('base64url');
  const apiKey = `kw_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, apiKey, keyHash: createHash('sha256').update(apiKey).digest('hex') };
}
