import * as z from 'zod/mini';
import { HttpUrl } from './common.js';

/** Lifetime bounds of a login URL, in seconds: long enough to reach a mailbox, short enough not to be a standing key. */
export const LOGIN_URL_TTL = { default: 15 * 60, min: 60, max: 24 * 60 * 60 } as const;

/** `POST /api/v1/users/{id}/login_url`: every field optional (seed 004 sends no body). */
export const LoginUrlRequest = z.strictObject({
  /** Default: the tenant's only OAuth client. */
  client_id: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** Exactly one of the client's registered redirect URIs; default: its only one. */
  redirect_uri: z.optional(HttpUrl),
  /** Seconds the link stays valid. */
  expires_in: z.optional(z.number().check(z.int(), z.gte(LOGIN_URL_TTL.min), z.lte(LOGIN_URL_TTL.max))),
  /** Returned unchanged with the code, for the app's own CSRF check. */
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  scope: z.optional(z.string().check(z.regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be space-separated scope tokens'), z.maxLength(512))),
  /** PKCE, when the app's front end will exchange the code itself. */
  code_challenge: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{43,128}$/, 'must be a base64url S256 challenge'))),
  code_challenge_method: z.optional(z.literal('S256')),
  nonce: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});
export type LoginUrlRequest = z.infer<typeof LoginUrlRequest>;

export const LoginUrl = z.object({ login_url: HttpUrl, expires_at: z.iso.datetime() });
export type LoginUrl = z.infer<typeof LoginUrl>;
