import * as z from 'zod/mini';

/** Every 4xx/5xx body. `code` is stable and machine-readable; `message` is for people. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
