import * as z from 'zod/mini';
import { unknownFields, UserEmail } from './user.js';

/** Lifetime bounds of a user token, in seconds: seed 002 promises less than an hour; each tenant may choose within these. */
export const USER_TOKEN_TTL = { default: 10 * 60, min: 60, max: 60 * 60 } as const;

/**
 * `POST /api/v1/user/token` (seed 002). `uid` is the user's lasting secret in the host app (its
 * own hash of a password, say): it is checked like a password, never trimmed or shown.
 */
export const UserTokenRequest = z.strictObject(
  {
    email: UserEmail,
    uid: z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'must be at most 1024 characters')),
  },
  unknownFields,
);
export type UserTokenRequest = z.infer<typeof UserTokenRequest>;

/** Seed 002's answer, exactly. */
export const UserTokenAnswer = z.object({ status: z.literal('success'), userID: z.string(), token: z.string() });
export type UserTokenAnswer = z.infer<typeof UserTokenAnswer>;

const TtlSeconds = z.number({ error: `must be a whole number of seconds from ${USER_TOKEN_TTL.min} to ${USER_TOKEN_TTL.max}` }).check(
  z.int(`must be a whole number of seconds from ${USER_TOKEN_TTL.min} to ${USER_TOKEN_TTL.max}`),
  z.gte(USER_TOKEN_TTL.min, `must be at least ${USER_TOKEN_TTL.min}`),
  z.lte(USER_TOKEN_TTL.max, `must be at most ${USER_TOKEN_TTL.max} (an hour)`),
);

/** `PUT /api/v1/user/token/settings`: `null` goes back to the default. */
export const UserTokenSettingsRequest = z.strictObject({ ttl_seconds: z.nullable(TtlSeconds) }, unknownFields);
export type UserTokenSettingsRequest = z.infer<typeof UserTokenSettingsRequest>;

/** The lifetime in force, and whether the tenant chose it. */
export const UserTokenSettings = z.object({ ttl_seconds: TtlSeconds, default: z.boolean() });
export type UserTokenSettings = z.infer<typeof UserTokenSettings>;
