import * as z from 'zod/mini';
import { ProviderId } from './common.js';

const stepId = z.string().check(z.minLength(1), z.maxLength(64));

/**
 * What the user sends back. Every input names the step it answers, so a
 * double submit (or a stale tab) cannot advance the flow twice.
 */
export const StepInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('providers'), stepId, provider: ProviderId }),
  z.strictObject({
    kind: z.literal('credentials'),
    stepId,
    values: z.record(z.string().check(z.maxLength(32)), z.string().check(z.maxLength(1024))),
  }),
  z.strictObject({ kind: z.literal('mfa'), stepId, code: z.string().check(z.regex(/^[0-9]{4,10}$/, 'must be 4 to 10 digits')) }),
  /** A recovery code instead of the app's code, on a step that offers it. */
  z.strictObject({ kind: z.literal('recovery'), stepId, code: z.string().check(z.minLength(1), z.maxLength(64)) }),
  /** Onboarding's profile fields, by name. */
  z.strictObject({
    kind: z.literal('profile'),
    stepId,
    values: z.record(z.string().check(z.maxLength(32)), z.string().check(z.maxLength(1024))),
  }),
  /** Onboarding's new password. */
  z.strictObject({ kind: z.literal('password'), stepId, password: z.string().check(z.maxLength(1024, 'must be at most 1024 characters')) }),
  /** Goes past an onboarding step the tenant made optional. */
  z.strictObject({ kind: z.literal('skip'), stepId }),
  /** The user saved the recovery codes. */
  z.strictObject({ kind: z.literal('acknowledge'), stepId }),
  z.strictObject({ kind: z.literal('resend'), stepId }),
  z.strictObject({ kind: z.literal('confirm'), stepId }),
  z.strictObject({ kind: z.literal('back'), stepId }),
  z.strictObject({ kind: z.literal('cancel'), stepId }),
]);
export type StepInput = z.infer<typeof StepInput>;
export type StepInputKind = StepInput['kind'];
