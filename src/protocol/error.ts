import * as z from 'zod/mini';
import { MessageRef } from './words.js';

/** Every 4xx/5xx body. `code` is stable and machine-readable; `message` is for people. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
    /** The key of `message`, for the errors a user may read (the wizard shows them in the user's language). */
    i18n: z.optional(MessageRef),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `details` of a 410 `link_expired` answer to `POST /api/v1/flows`: enough for the wizard to report and redirect. */
export const LinkExpiredDetails = z.object({
  hostOrigins: z.array(z.string()),
  redirectUrl: z.optional(z.string()),
});
export type LinkExpiredDetails = z.infer<typeof LinkExpiredDetails>;
