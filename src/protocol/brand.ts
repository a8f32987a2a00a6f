import * as z from 'zod/mini';
import { isHttpUrl } from './url-rules.js';

/** A host name with an optional port, as in a Host header: auth.example.com or 127.0.0.2:8787. */
export const BrandDomain = z.string().check(
  z.maxLength(253),
  z.regex(/^(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/, 'must be a lower-case host name, optionally with a port'),
);

/** `PUT /api/v1/brand`: a tenant's white-label settings. */
export const BrandSettings = z.strictObject({
  /** The tenant's own domain (a CNAME to Keyway); links are issued on it and the wizard there wears this brand. */
  domain: z.optional(BrandDomain),
  name: z.string().check(z.minLength(1), z.maxLength(80)),
  /** A path on Keyway's own server, or a data:image URL (the hosted page's CSP allows nothing else). */
  logoUrl: z.optional(z.string().check(z.maxLength(100_000), z.refine((value) => value.startsWith('/') || value.startsWith('data:image/'), 'must be a path on this server or a data:image URL'))),
  primaryColor: z.optional(z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #3f46d6'))),
  radius: z.optional(z.string().check(z.regex(/^[0-9]{1,2}px$/, 'must be a length in px such as 12px'))),
  supportUrl: z.optional(z.string().check(z.refine(isHttpUrl, 'must be an absolute http(s) URL'))),
});
export type BrandSettings = z.infer<typeof BrandSettings>;
