import * as z from 'zod/mini';
import { IsoDateTime, Locale, WebOrigin } from './common.js';
import { Step } from './step.js';
import { isInternalPath } from './url-rules.js';

export const Brand = z.object({
  name: z.string(),
  logoUrl: z.optional(z.string()),
  primaryColor: z.optional(z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/))),
  radius: z.optional(z.string().check(z.regex(/^[0-9]{1,2}px$/))),
  supportUrl: z.optional(z.string()),
});
export type Brand = z.infer<typeof Brand>;

export const FlowStatus = z.enum(['active', 'succeeded', 'failed', 'expired']);
export type FlowStatus = z.infer<typeof FlowStatus>;

export const Flow = z.object({
  id: z.string(),
  /** `signin`: the host app's own user signing in (the flow ends with a session, not an account). */
  type: z.enum(['create', 'reconnect', 'signin']),
  status: FlowStatus,
  expiresAt: IsoDateTime,
  brand: Brand,
  locale: z.optional(Locale),
  /** The only origins the wizard posts host messages to. */
  hostOrigins: z.array(WebOrigin),
  /** Where the user is: the step's position among the steps the chosen provider needs (absent on outcomes). */
  progress: z.optional(z.object({ step: z.number().check(z.int(), z.gte(1)), of: z.number().check(z.int(), z.gte(1)) })),
  step: Step,
});
export type Flow = z.infer<typeof Flow>;

/** `POST /api/v1/flows` */
/**
 * `POST /api/v1/flows`: a link token, or a user token (seed 002) minted by the host's backend, with
 * where to land in the host app afterwards (an internal path only).
 */
export const OpenFlowRequest = z.union([
  z.strictObject({ link: z.string().check(z.minLength(16), z.maxLength(128)) }),
  z.strictObject({
    userToken: z.string().check(z.minLength(16), z.maxLength(4096)),
    openOnboarding: z.optional(z.boolean()),
    closeOnboardingRedirect: z.optional(z.string().check(z.refine(isInternalPath, 'must be a path inside the app, such as /dashboard'))),
  }),
]);
export type OpenFlowRequest = z.infer<typeof OpenFlowRequest>;

export const OpenFlowResponse = z.object({ token: z.string(), flow: Flow });
export type OpenFlowResponse = z.infer<typeof OpenFlowResponse>;
