import * as z from 'zod/mini';

/**
 * A server-written text's stable key, with the values it names, beside its English wording.
 * A client shows the key in the user's language and falls back to the English text for a key
 * it does not know; words an operator wrote (a provider file's names) carry no key.
 */
export const MessageRef = z.object({
  key: z.string().check(z.regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/)),
  params: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
});
export type MessageRef = z.infer<typeof MessageRef>;

/** Keys of some of an object's texts, by the name of the property that holds the English. */
export const textKeys = <const K extends string>(...names: K[]) => z.optional(z.partialRecord(z.enum(names), MessageRef));
