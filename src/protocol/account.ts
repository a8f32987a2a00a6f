import * as z from 'zod/mini';

export const AccountStatus = z.enum(['OK', 'CREDENTIALS', 'ERROR', 'CONNECTING']);
export type AccountStatus = z.infer<typeof AccountStatus>;

/** A connected account as the API shows it: never its secrets. */
export const Account = z.object({
  object: z.literal('Account'),
  id: z.string(),
  provider: z.string(),
  /** The `name` given when the link was created (the host's own user id). */
  name: z.nullable(z.string()),
  status: AccountStatus,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Account = z.infer<typeof Account>;

export const AccountList = z.object({
  object: z.literal('AccountList'),
  items: z.array(Account),
  /** Pass as `cursor` to get the next page; null on the last page. */
  cursor: z.nullable(z.string()),
});
export type AccountList = z.infer<typeof AccountList>;

/** `GET /api/v1/accounts` query: newest first. */
export const AccountListQuery = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
export type AccountListQuery = z.infer<typeof AccountListQuery>;

export const AccountDeleted = z.object({ object: z.literal('AccountDeleted'), id: z.string() });
export type AccountDeleted = z.infer<typeof AccountDeleted>;
