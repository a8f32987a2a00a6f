import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { handleError } from '../errors.js';

/**
 * What the OAuth endpoints (token, introspection, revocation) answer on failure: RFC 6749 §5.2's
 * `error` and `error_description`, which every OAuth client reads, plus Keyway's finer `code`
 * (e.g. `invalid_grant` with `code: "refresh_token_reused"`). Keyway's usual `{error:{code,message}}`
 * cannot be used here: `error` must be a string for standard clients.
 */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
  code: string;
}

export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: ContentfulStatusCode = 400;
  readonly headers: Record<string, string> = {};

  constructor(
    description: string,
    /** Keyway's own code; the RFC code when there is nothing finer to say. */
    readonly code?: string,
  ) {
    super(description);
  }

  body(): OAuthErrorBody {
    return { error: this.error, error_description: this.message, code: this.code ?? this.error };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}

/** 401; with `WWW-Authenticate: Basic` when the client tried the Authorization header (RFC 6749 §5.2). */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status: ContentfulStatusCode;

  constructor(description: string, code: string | undefined, options: { basic?: boolean; status?: ContentfulStatusCode; retryAfterSeconds?: number } = {}) {
    super(description, code);
    this.status = options.status ?? 401;
    if (options.basic && this.status === 401) this.headers['WWW-Authenticate'] = 'Basic realm="keyway", charset="UTF-8"';
    if (options.retryAfterSeconds !== undefined) this.headers['Retry-After'] = String(Math.max(1, Math.ceil(options.retryAfterSeconds)));
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}

/** OAuth answers, good or bad, carry tokens or talk about them: never cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** The RFC code for a failure that is not the client's OAuth mistake (an outage, a limit, a bad body). */
function rfcCodeFor(status: number): string {
  if (status === 401) return 'invalid_client';
  if (status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

/**
 * Renders anything thrown at an OAuth endpoint in the OAuth shape. Errors that are not OAuth's go
 * through the app's one error handler first (it logs, spots outages, sets Retry-After), then are
 * re-shaped, keeping its status, headers, code and message.
 */
export async function oauthErrorResponse(error: unknown, c: Context): Promise<Response> {
  if (error instanceof OAuthError) {
    return c.json(error.body(), error.status, { ...NO_STORE, ...error.headers });
  }
  const plain = handleError(error instanceof Error ? error : new Error(String(error)), c);
  const { error: inner } = (await plain.json()) as { error: { code: string; message: string } };
  const headers = new Headers(plain.headers);
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value);
  const body: OAuthErrorBody = { error: rfcCodeFor(plain.status), error_description: inner.message, code: inner.code };
  return new Response(JSON.stringify(body), { status: plain.status, headers });
}
