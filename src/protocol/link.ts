import * as z from 'zod/mini';
import { HttpUrl, IsoDateTime, Locale, ProviderId, WebOrigin } from './common.js';

/** The seed-003 link request, plus Keyway's optional `origins` and `locale`. */
export const LinkRequest = z.strictObject({
  type: z.enum(['create', 'reconnect']),
  providers: z.union([z.literal('*'), z.array(ProviderId).check(z.minLength(1), z.maxLength(32))]),
  api_url: HttpUrl,
  expiresOn: IsoDateTime,
  success_redirect_url: z.optional(HttpUrl),
  failure_redirect_url: z.optional(HttpUrl),
  notify_url: z.optional(HttpUrl),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  reconnect_account: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** Host pages allowed to receive the wizard's messages and to frame it; default: the redirect URLs' origins. */
  origins: z.optional(z.array(WebOrigin).check(z.maxLength(10))),
  locale: z.optional(Locale),
  /** Also send `CREATION_FAILED`/`RECONNECT_FAILED` with `reason: link_expired` when the link expires unopened. */
  notify_on_expiry: z.optional(z.boolean()),
  /** The host's own "send me a new link" page, offered when the link is opened expired. */
  new_link_url: z.optional(HttpUrl),
});
export type LinkRequest = z.infer<typeof LinkRequest>;

export const HostedAuthUrl = z.object({
  object: z.literal('HostedAuthURL'),
  url: HttpUrl,
});
export type HostedAuthUrl = z.infer<typeof HostedAuthUrl>;
