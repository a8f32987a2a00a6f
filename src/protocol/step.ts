import * as z from 'zod/mini';
import { HttpUrl, IsoDateTime, ProviderId } from './common.js';
import { MessageRef, textKeys } from './words.js';

export const AuthMethod = z.enum(['oauth', 'credentials', 'qr']);

export const ProviderSummary = z.object({
  id: ProviderId,
  name: z.string(),
  method: AuthMethod,
  /** A same-origin path or data: URL of the provider's logo. */
  icon: z.optional(z.string()),
  /** True for providers that exist only in demo mode. */
  demo: z.optional(z.boolean()),
  /** The key of a name Keyway wrote (not of one an operator chose). */
  i18n: textKeys('name'),
});
export type ProviderSummary = z.infer<typeof ProviderSummary>;

export const FieldType = z.enum(['text', 'email', 'password', 'number', 'select']);

export const Field = z.object({
  name: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,31}$/)),
  label: z.string(),
  type: FieldType,
  required: z.boolean(),
  /** A regular expression the whole value must match (as the HTML `pattern` attribute). */
  pattern: z.optional(z.string()),
  minLength: z.optional(z.number()),
  maxLength: z.optional(z.number()),
  hint: z.optional(z.string()),
  /** A longer explanation, shown on demand in a help popover. */
  help: z.optional(z.string()),
  /** The HTML `autocomplete` token, so password managers can fill the field. */
  autocomplete: z.optional(z.string()),
  options: z.optional(z.array(z.object({ value: z.string(), label: z.string() }))),
  /** What the field starts with (an authorization request's `login_hint`); the user may change it. */
  value: z.optional(z.string().check(z.maxLength(1024))),
  /** Keys of the label, hint and help Keyway wrote, so the wizard can show them in the user's language. */
  i18n: textKeys('label', 'hint', 'help'),
});
export type Field = z.infer<typeof Field>;

export const FailureCode = z.enum(['link_expired', 'user_cancelled', 'mfa_locked', 'access_denied', 'provider_error', 'link_used', 'user_inactive']);
export type FailureCode = z.infer<typeof FailureCode>;

const stepId = z.string().check(z.minLength(1), z.maxLength(64));
/** The provider's display name, so a step drawn after a reload can name it. */
const providerName = z.optional(z.string());
/** A longer explanation of the step, shown on demand in a help popover. */
const help = z.optional(z.string());

export const ProvidersStep = z.object({ kind: z.literal('providers'), id: stepId, providers: z.array(ProviderSummary) });

export const CredentialsStep = z.object({
  kind: z.literal('credentials'),
  id: stepId,
  /** The provider the details are for; absent when the user signs in to the host app itself. */
  provider: z.optional(ProviderId),
  providerName,
  /** Set when the user signs in to the host app itself (sign-in flows): its name. */
  appName: z.optional(z.string()),
  help,
  fields: z.array(Field),
  /** Server-side errors by field name; `_form` for errors that belong to no single field. */
  errors: z.optional(z.record(z.string(), z.string())),
  /** Keys of the help and of the errors (by field name) that Keyway wrote. */
  i18n: z.optional(z.object({ help: z.optional(MessageRef), providerName: z.optional(MessageRef), errors: z.optional(z.record(z.string(), MessageRef)) })),
});

export const QrStep = z.object({
  kind: z.literal('qr'),
  id: stepId,
  provider: ProviderId,
  providerName,
  help,
  payload: z.string(),
  expiresAt: IsoDateTime,
  code: z.optional(z.string()),
  i18n: textKeys('help', 'providerName'),
});

export const OAuthStep = z.object({ kind: z.literal('oauth'), id: stepId, provider: ProviderId, providerName, help, authorizeUrl: HttpUrl, i18n: textKeys('providerName') });

export const MfaStep = z.object({
  kind: z.literal('mfa'),
  id: stepId,
  /** Absent when the code signs the user in to the host app itself (an email code). */
  provider: z.optional(ProviderId),
  providerName,
  help,
  method: z.enum(['totp', 'sms', 'email', 'app']),
  length: z.number().check(z.int(), z.gte(4), z.lte(10)),
  attemptsLeft: z.number().check(z.int(), z.gte(0)),
  canResend: z.boolean(),
  /** Where the code comes from, e.g. "your authenticator app" or "•••• 42". */
  hint: z.optional(z.string()),
  /** Set after a wrong code. */
  error: z.optional(z.enum(['invalid_code'])),
  /** A sign-in's TOTP step: a recovery code is accepted instead (a `recovery` input). */
  canUseRecoveryCode: z.optional(z.boolean()),
  i18n: textKeys('hint', 'help', 'providerName'),
});

/** Sign-in when the tenant requires MFA and the user has none: scan (or type) the secret, then prove it with a code. */
export const MfaSetupStep = z.object({
  kind: z.literal('mfa-setup'),
  id: stepId,
  appName: z.string(),
  /** The otpauth URI, drawn as a QR code. */
  uri: z.string(),
  /** The same secret in base32, for apps that cannot scan. */
  secret: z.string(),
  length: z.number().check(z.int(), z.gte(4), z.lte(10)),
  attemptsLeft: z.number().check(z.int(), z.gte(0)),
  error: z.optional(z.enum(['invalid_code'])),
  /** An onboarding whose tenant made MFA optional: a `skip` input goes on without it. */
  canSkip: z.optional(z.boolean()),
});

/** Onboarding: the profile fields the tenant asks for, prefilled from the user; a `profile` input saves them. */
export const ProfileStep = z.object({
  kind: z.literal('profile'),
  id: stepId,
  appName: z.string(),
  fields: z.array(Field),
  /** Why a value was refused, by field name. */
  errors: z.optional(z.record(z.string(), z.string())),
  /** Keys of the errors, by field name. */
  i18n: z.optional(z.object({ errors: z.optional(z.record(z.string(), MessageRef)) })),
});

/** Onboarding: a password for a user who has none; a `password` input sets it, `skip` goes on when `optional`. */
export const PasswordSetupStep = z.object({
  kind: z.literal('password-setup'),
  id: stepId,
  appName: z.string(),
  /** The user's email, for password managers to save the new password under (never shown as a field). */
  username: z.string(),
  minLength: z.number().check(z.int(), z.gte(1)),
  optional: z.boolean(),
  /** Why the last password was refused. */
  error: z.optional(z.string()),
  i18n: textKeys('error'),
});

/** MFA was just set up: the recovery codes, shown this once; an `acknowledge` input goes on. */
export const RecoveryCodesStep = z.object({ kind: z.literal('recovery-codes'), id: stepId, appName: z.string(), codes: z.array(z.string()) });

export const SuccessStep = z.object({
  kind: z.literal('success'),
  id: stepId,
  provider: ProviderId,
  providerName,
  accountId: z.string(),
  redirectUrl: z.optional(HttpUrl),
  i18n: textKeys('providerName'),
});

/** Sign-in: one button that says who is signing in to what; opening the link did nothing, this click does. */
export const ConfirmStep = z.object({
  kind: z.literal('confirm'),
  id: stepId,
  /** The user's email, masked (j•••@example.com): enough to recognise, not to harvest. */
  email: z.string(),
  /** The host app's name (its OAuth client's name). */
  appName: z.string(),
  help,
});

/**
 * Sign-in done: the browser goes to the app's redirect URI with a one-time code. The code is never
 * posted to a page; it travels only in this redirect.
 */
export const SignedInStep = z.object({ kind: z.literal('signed-in'), id: stepId, appName: z.string(), redirectUrl: HttpUrl });

export const FailureStep = z.object({
  kind: z.literal('failure'),
  id: stepId,
  reason: FailureCode,
  message: z.string(),
  retryable: z.boolean(),
  provider: z.optional(ProviderId),
  providerName,
  redirectUrl: z.optional(HttpUrl),
  /** For an expired link: the host's page that sends a new one. */
  newLinkUrl: z.optional(HttpUrl),
  i18n: textKeys('message', 'providerName'),
});

export const Step = z.discriminatedUnion('kind', [
  ProvidersStep,
  CredentialsStep,
  QrStep,
  OAuthStep,
  MfaStep,
  MfaSetupStep,
  RecoveryCodesStep,
  ProfileStep,
  PasswordSetupStep,
  SuccessStep,
  ConfirmStep,
  SignedInStep,
  FailureStep,
]);
export type Step = z.infer<typeof Step>;
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
