import * as z from 'zod/mini';
import { unknownFields } from './user.js';

export const OAUTH_GRANT_TYPES = ['authorization_code', 'refresh_token', 'password', 'urn:keyway:params:oauth:grant-type:message-token'] as const;
export const OAuthGrantType = z.enum(OAUTH_GRANT_TYPES, { error: `must be one of ${OAUTH_GRANT_TYPES.join(', ')}` });
export type OAuthGrantType = z.infer<typeof OAuthGrantType>;

/** Hosts that can only be this machine: plain http is allowed there (RFC 8252 §7.3, RFC 6761 .localhost). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.[0-9]{1,3}){3}$/.test(hostname);
}

/**
 * A redirect URI a client may register: absolute, https (or http on a loopback host), no user
 * info, no fragment (RFC 6749 §3.1.2). It is kept exactly as written and compared exactly.
 */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  // `#` with nothing after it parses to an empty hash, so look at the text itself.
  if (value.includes('#')) return 'must not contain a fragment (#)';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.protocol === 'https:' && url.hostname !== '') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be https, or http on localhost or a loopback address';
}

export const RedirectUri = z.string({ error: 'must be a URL' }).check(
  z.maxLength(2048, 'must be at most 2048 characters'),
  z.superRefine((value, ctx) => {
    const problem = redirectUriProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

/** `POST /api/v1/oauth/clients`. */
export const OAuthClientRequest = z
  .strictObject(
    {
      name: z.string({ error: 'must be a string' }).check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters')),
      redirect_uris: z
        .array(RedirectUri, { error: 'must be a list of URLs' })
        .check(
          z.minLength(1, 'must list at least one URL'),
          z.maxLength(10, 'must list at most 10 URLs'),
          z.refine((uris) => new Set(uris).size === uris.length, 'must not repeat a URL'),
        ),
      /** Default: authorization_code and refresh_token. */
      grant_types: z.optional(
        z
          .array(OAuthGrantType, { error: 'must be a list of grant types' })
          .check(z.minLength(1, 'must list at least one grant type'), z.refine((grants) => new Set(grants).size === grants.length, 'must not repeat a grant type')),
      ),
      /** A public client (a browser or mobile app) gets no secret and must use PKCE. */
      public: z.optional(z.boolean({ error: 'must be true or false' })),
    },
    unknownFields,
  )
  .check(
    z.superRefine((request, ctx) => {
      const grants = request.grant_types ?? [];
      if (grants.length > 0 && grants.every((grant) => grant === 'refresh_token')) {
        ctx.addIssue({ code: 'custom', path: ['grant_types'], message: 'refresh_token needs authorization_code or password to issue the first token', input: grants });
      }
      // The password grant has no PKCE to stand in for the secret: anyone holding the client id could try passwords.
      if (request.public && grants.includes('password')) {
        ctx.addIssue({ code: 'custom', path: ['grant_types'], message: 'a public client cannot use the password grant', input: grants });
      }
      // Nor the message-token grant: a token leaked from a mail would need nothing else to be exchanged.
      if (request.public && grants.includes('urn:keyway:params:oauth:grant-type:message-token')) {
        ctx.addIssue({ code: 'custom', path: ['grant_types'], message: 'a public client cannot use the message-token grant', input: grants });
      }
    }),
  );
export type OAuthClientRequest = z.infer<typeof OAuthClientRequest>;

/** A registered client; `client_secret` only in the answer that created it. */
export const OAuthClient = z.object({
  object: z.literal('OAuthClient'),
  client_id: z.string(),
  client_secret: z.optional(z.string()),
  name: z.string(),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(OAuthGrantType),
  public: z.boolean(),
  created_at: z.iso.datetime(),
});
export type OAuthClient = z.infer<typeof OAuthClient>;

/** Every active client of the tenant, newest first (a tenant has a handful). */
export const OAuthClientList = z.object({ object: z.literal('OAuthClientList'), items: z.array(OAuthClient) });
export type OAuthClientList = z.infer<typeof OAuthClientList>;

export const OAuthClientDeleted = z.object({ object: z.literal('OAuthClientDeleted'), id: z.string() });
export type OAuthClientDeleted = z.infer<typeof OAuthClientDeleted>;
