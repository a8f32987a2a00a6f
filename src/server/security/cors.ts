import type { Context, MiddlewareHandler } from 'hono';
import { isWebOrigin } from '../../protocol/url-rules.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { sha256 } from './tokens.js';

/** The query parameter that names, in a cross-origin request's URL, the link the wizard was given. */
export const CORS_LINK_PARAMETER = 'link';

const ALLOWED_METHODS = ['GET', 'POST'];
const ALLOWED_HEADERS = ['authorization', 'content-type'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;
const WELL_FORMED_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * CORS for the flow API, so `<keyway-wizard api-base="…">` works in a host page on another origin.
 * Only the origins registered on the flow's link (`origins`) are answered, never with credentials:
 * the flow token travels in `Authorization`, so no cookie is ever involved.
 *
 * A preflight carries no `Authorization` and no body, so it cannot say which flow it is for. Rather
 * than allow it for every origin registered on any link (which would tell anyone which origins use
 * this Keyway), the wizard names its link in the URL (`?link=<link token>`, the same token its link
 * URL already carries): the preflight is allowed only for the origins of that link, and refused for a
 * link it does not know. The request that follows is decided by what it acts on (the link in the
 * body, the flow behind the Bearer token; the named link only when the token is unknown, so the
 * wizard can read its 401), and a cross-origin request from another origin is refused with 403
 * before anything happens, whatever a cached preflight said.
 */
export function flowApiCors(services: Services): MiddlewareHandler<AppEnv> {
  return async function flowApiCorsMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (origin === undefined || isSameOrigin(origin, c.req.header('host'))) {
      await next();
      c.res.headers.append('Vary', 'Origin');
      return;
    }
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) return preflight(c, services, origin);
    const origins = (await originsOfResource(c, services)) ?? (await originsOfNamedLink(c, services)) ?? [];
    if (!origins.includes(origin)) throw originRefused();
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.append('Vary', 'Origin');
  };
}

/** The wizard's own page (`/connect/…` on Keyway's or a white-label domain) needs no CORS: same host. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

async function preflight(c: Context<AppEnv>, services: Services, origin: string): Promise<Response> {
  const method = c.req.header('access-control-request-method') ?? '';
  const headers = (c.req.header('access-control-request-headers') ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const origins = await originsOfNamedLink(c, services);
  if (origins === undefined) {
    // A named link that does not exist is a token someone tried, like a wrong link URL.
    const over = c.req.query(CORS_LINK_PARAMETER) === undefined ? undefined : await services.limits.count('link_token_failures', services.clientAddress(c));
    if (over) throw over;
  }
  const allowed = origins?.includes(origin) === true && ALLOWED_METHODS.includes(method) && headers.every((name) => ALLOWED_HEADERS.includes(name));
  if (!allowed) throw originRefused();
  return c.body(null, 204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    Vary: 'Origin',
  });
}

function originRefused(): ApiError {
  return new ApiError(403, 'origin_not_allowed', "This page's origin is not among the origins registered on the link.");
}

/** The origins of the link `?link=` names; undefined when it names none that exists. */
async function originsOfNamedLink(c: Context<AppEnv>, services: Services): Promise<string[] | undefined> {
  const token = c.req.query(CORS_LINK_PARAMETER);
  return token === undefined ? undefined : originsOfLinkToken(services, token);
}

/** The origins of the link the request acts on: the one posted to open a flow, or the flow's behind the Bearer token. */
async function originsOfResource(c: Context<AppEnv>, services: Services): Promise<string[] | undefined> {
  const bearer = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer) {
    const row = await services.store.db
      .selectFrom('flows')
      .innerJoin('links', 'links.id', 'flows.link_id')
      .select('links.origins_json')
      .where('flows.token_hash', '=', sha256(bearer))
      .executeTakeFirst();
    return row ? parseOrigins(row.origins_json) : undefined;
  }
  if (c.req.method === 'POST' && c.req.path.replace(/\/$/, '') === '/api/v1/flows') {
    const link = linkOfBody(await c.req.text().catch(() => ''));
    return link === undefined ? undefined : originsOfLinkToken(services, link);
  }
  return undefined;
}

/** Hono keeps the text, so the route still reads (and validates) the same body afterwards. */
function linkOfBody(text: string): string | undefined {
  try {
    const link = (JSON.parse(text) as { link?: unknown } | null)?.link;
    return typeof link === 'string' ? link : undefined;
  } catch {
    return undefined;
  }
}

async function originsOfLinkToken(services: Services, token: string): Promise<string[] | undefined> {
  if (!WELL_FORMED_TOKEN.test(token)) return undefined;
  const row = await services.store.db.selectFrom('links').select('origins_json').where('token_hash', '=', sha256(token)).executeTakeFirst();
  return row ? parseOrigins(row.origins_json) : undefined;
}

/** Checked again on the way out, as for `frame-ancestors`: a stored value that is not an exact origin allows nothing. */
function parseOrigins(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((origin): origin is string => typeof origin === 'string' && isWebOrigin(origin)) : [];
}

/**
 * The wizard's built files (`/assets/*`): public code, so any page may load them as modules (which
 * browsers fetch with CORS). `*` without credentials: nothing in them depends on who asks.
 */
export function publicAssetCors(): MiddlewareHandler {
  return async function publicAssetCorsMiddleware(c, next) {
    await next();
    if (c.res.status === 200) c.res.headers.set('Access-Control-Allow-Origin', '*');
  };
}
