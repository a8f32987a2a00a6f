import * as z from 'zod/mini';
import { isHttpUrl, isWebOrigin } from './url-rules.js';

/** Provider ids are upper-case catalogue keys such as `GOOGLE` or `IMAP`. */
export const ProviderId = z.string().check(z.regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'must be an upper-case provider id such as GOOGLE'));

/** An absolute http(s) URL without embedded credentials; anything else (javascript:, data:, relative) is refused. */
export const HttpUrl = z.string().check(z.maxLength(2048), z.refine(isHttpUrl, 'must be an absolute http(s) URL'));

/** A web origin: scheme, host and optional port, nothing more. */
export const WebOrigin = z.string().check(z.maxLength(256), z.refine(isWebOrigin, 'must be an origin such as https://app.example.com'));

export const IsoDateTime = z.iso.datetime({ offset: true });

export const Locale = z.string().check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or fr-CA'));
