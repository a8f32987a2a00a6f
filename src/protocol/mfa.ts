import * as z from 'zod/mini';
import { unknownFields } from './user.js';

/** A code from the authenticator app (RFC 6238 with seed 001's settings: SHA-1, 6 digits, 30 s). */
export const MfaToken = z.string({ error: 'must be the 6-digit code from the authenticator app' }).check(z.trim(), z.regex(/^[0-9]{6}$/, 'must be the 6-digit code from the authenticator app'));

/**
 * A recovery code as issued (`xxxx-xxxx-xxxx-xxxx`); case, spaces and hyphens do not matter. The
 * length bound only keeps nonsense out: whether a code is one of the user's is the server's check.
 */
export const RecoveryCode = z.string({ error: 'must be a recovery code' }).check(z.trim(), z.minLength(16, 'must be a recovery code such as 7kq2-m9xd-4hwp-3tce'), z.maxLength(40, 'must be a recovery code such as 7kq2-m9xd-4hwp-3tce'));

/** `POST /users/self/mfa/verify` (seed 001): the first code from the app just set up. */
export const MfaVerifyRequest = z.strictObject({ token: MfaToken }, unknownFields);
export type MfaVerifyRequest = z.infer<typeof MfaVerifyRequest>;

/** `POST /users/self/mfa/validate` and `DELETE /users/self/mfa`: seed 001's `token`, or one of Keyway's recovery codes instead. */
export const MfaProofRequest = z
  .strictObject({ token: z.optional(MfaToken), recovery_code: z.optional(RecoveryCode) }, unknownFields)
  .check(
    z.refine((value) => (value.token === undefined) !== (value.recovery_code === undefined), {
      error: 'send either token (the code from the authenticator app) or recovery_code, not both',
      when: (payload) => payload.issues.length === 0,
    }),
  );
export type MfaProofRequest = z.infer<typeof MfaProofRequest>;

/**
 * The `mfa` claim of an access token and field of its introspection: `none` (the user has no MFA),
 * `required` (MFA user, this session not validated yet: `/users/self` refuses it), `validated`.
 */
export const MfaState = z.enum(['none', 'required', 'validated']);
export type MfaState = z.infer<typeof MfaState>;

/** `PUT /api/v1/settings/mfa`: whether the tenant's users must have MFA to sign in through the wizard. */
export const TenantMfaSettings = z.strictObject({ required: z.boolean({ error: 'must be true or false' }) }, unknownFields);
export type TenantMfaSettings = z.infer<typeof TenantMfaSettings>;
