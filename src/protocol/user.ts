import * as z from 'zod/mini';

/** Seed 004's user types and statuses; an INACTIVE user cannot sign in and its sessions end. */
export const UserType = z.enum(['PERSONAL', 'BUSINESS'], { error: 'must be PERSONAL or BUSINESS' });
export type UserType = z.infer<typeof UserType>;

export const UserStatus = z.enum(['ACTIVE', 'INACTIVE'], { error: 'must be ACTIVE or INACTIVE' });
export type UserStatus = z.infer<typeof UserStatus>;

/** Trimmed, at most 254 characters (RFC 5321's path limit); compared case-insensitively. */
export const UserEmail = z.string({ error: 'must be an email address' }).check(z.trim(), z.maxLength(254, 'must be at most 254 characters'), z.email('must be an email address'));

/** A name as people write it: trimmed, 1 to 100 characters, no control characters (it ends up in pages and tokens). */
export const PersonName = z
  .string({ error: 'must be a string' })
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters'), z.regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters'));

/** E.164, as seed 001 shows it (`+4368120265807`): one unambiguous form for every number. */
export const PhoneNumber = z.string({ error: 'must be a phone number' }).check(z.trim(), z.regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number such as +4368120265807'));

function canonicalTimeZone(value: string): string | undefined {
  // An IANA name (Area/Location, or UTC); Intl also knows offsets such as +01:00, which are not zone names.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value) || value.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** An IANA time zone name this runtime knows, stored in its canonical spelling (america/chicago → America/Chicago). */
export const TimeZone = z
  .string({ error: 'must be an IANA time zone name' })
  .check(
    z.refine((value) => canonicalTimeZone(value) !== undefined, 'must be an IANA time zone name such as Europe/Vienna'),
    z.overwrite((value) => canonicalTimeZone(value) ?? value),
  );

/** Options for `z.strictObject` that name the unknown fields in the error. */
export const unknownFields = {
  error: (issue: { code?: string; keys?: string[] }) => (issue.code === 'unrecognized_keys' ? `unknown field: ${(issue.keys ?? []).join(', ')}` : undefined),
};

/** `POST /api/v1/users` (seed 004), plus Keyway's optional `type`, `phone_number` and `timezone`. */
export const UserCreateRequest = z.strictObject(
  {
    first_name: PersonName,
    last_name: PersonName,
    email: UserEmail,
    type: z.optional(UserType),
    phone_number: z.optional(z.nullable(PhoneNumber)),
    timezone: z.optional(z.nullable(TimeZone)),
  },
  unknownFields,
);
export type UserCreateRequest = z.infer<typeof UserCreateRequest>;

/** `PUT /api/v1/users/{id}`: the fields sent change, the rest stay; null clears `phone_number` or `timezone`. Status has its own endpoint. */
export const UserUpdateRequest = z
  .strictObject(
    {
      first_name: z.optional(PersonName),
      last_name: z.optional(PersonName),
      email: z.optional(UserEmail),
      type: z.optional(UserType),
      phone_number: z.optional(z.nullable(PhoneNumber)),
      timezone: z.optional(z.nullable(TimeZone)),
    },
    unknownFields,
  )
  .check(z.refine((value) => Object.keys(value).length > 0, { error: 'send at least one field to change', when: (payload) => payload.issues.length === 0 }));
export type UserUpdateRequest = z.infer<typeof UserUpdateRequest>;

/** `PUT /api/v1/users/{id}/status`. */
export const UserStatusRequest = z.strictObject({ status: UserStatus }, unknownFields);
export type UserStatusRequest = z.infer<typeof UserStatusRequest>;

/** A new password's length in characters (Unicode code points); the server also refuses common and email-based ones. */
export const PASSWORD_LENGTH = { min: 12, max: 256 } as const;

/**
 * `PUT /api/v1/users/{id}/password`. Only a bound on the size here: the policy (length, common
 * passwords, the user's email) is the server's, and its 422 names the rule that failed.
 */
export const UserPasswordRequest = z.strictObject({ password: z.string({ error: 'must be a string' }).check(z.maxLength(1024, 'must be at most 1024 characters')) }, unknownFields);
export type UserPasswordRequest = z.infer<typeof UserPasswordRequest>;

/** A user as the API shows it: seed 004's fields plus Keyway's. */
export const User = z.object({
  object: z.literal('User'),
  id: z.string(),
  email: z.string(),
  type: UserType,
  first_name: z.string(),
  last_name: z.string(),
  status: UserStatus,
  phone_number: z.nullable(z.string()),
  timezone: z.nullable(z.string()),
  mfa_enabled: z.boolean(),
  has_password: z.boolean(),
  /** Password sign-ins that failed in a row (reset by a good one, by a new password, or after a day without failures). */
  failed_sign_ins: z.number(),
  /** Until when password sign-in is refused after too many failures; null when it is not. */
  locked_until: z.nullable(z.iso.datetime()),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const UserList = z.object({
  object: z.literal('UserList'),
  items: z.array(User),
  /** Pass as `cursor` to get the next page; null on the last page. */
  cursor: z.nullable(z.string()),
});
export type UserList = z.infer<typeof UserList>;

/** `GET /api/v1/users` query: newest first; `email` matches exactly, ignoring case. */
export const UserListQuery = z.strictObject(
  {
    email: z.optional(UserEmail),
    type: z.optional(UserType),
    limit: z.optional(z.coerce.number({ error: 'must be a whole number from 1 to 100' }).check(z.int('must be a whole number from 1 to 100'), z.gte(1, 'must be at least 1'), z.lte(100, 'must be at most 100'))),
    cursor: z.optional(z.string().check(z.maxLength(200, 'is not a cursor this API returned'))),
  },
  unknownFields,
);
export type UserListQuery = z.infer<typeof UserListQuery>;

export const UserDeleted = z.object({ object: z.literal('UserDeleted'), id: z.string() });
export type UserDeleted = z.infer<typeof UserDeleted>;
