import * as z from 'zod/mini';
import { unknownFields } from './user.js';

/** The user fields an onboarding may ask for: the ones Keyway stores on the user row. */
export const PROFILE_FIELD_NAMES = ['first_name', 'last_name', 'phone_number', 'timezone'] as const;
export const ProfileFieldName = z.enum(PROFILE_FIELD_NAMES, { error: `must be one of ${PROFILE_FIELD_NAMES.join(', ')}` });
export type ProfileFieldName = z.infer<typeof ProfileFieldName>;

export const OnboardingProfileField = z.strictObject({ name: ProfileFieldName, required: z.boolean({ error: 'must be true or false' }) }, unknownFields);
export type OnboardingProfileField = z.infer<typeof OnboardingProfileField>;

/** `off`: never asked; `optional`: asked, with a skip button; `required`: asked, no way round it. */
export const OnboardingMode = z.enum(['off', 'optional', 'required'], { error: 'must be off, optional or required' });
export type OnboardingMode = z.infer<typeof OnboardingMode>;

/**
 * `GET|PUT /api/v1/settings/onboarding`: what a login URL with `openOnboarding=true` asks of its
 * user before the sign-in completes, in this order: the profile fields (an empty list shows no
 * profile step), a password (only to users who have none), MFA set-up (only to users who have
 * none; a tenant that requires MFA makes it `required` whatever this says).
 */
export const OnboardingSettings = z.strictObject(
  {
    profile: z.array(OnboardingProfileField).check(
      z.maxLength(PROFILE_FIELD_NAMES.length, `must list each field at most once (${PROFILE_FIELD_NAMES.length} at most)`),
      z.refine((fields) => new Set(fields.map((field) => field.name)).size === fields.length, 'must list each field at most once'),
    ),
    password: OnboardingMode,
    mfa: OnboardingMode,
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'must be an object with profile, password and mfa' : unknownFields.error(issue as { code?: string; keys?: string[] }),
  },
);
export type OnboardingSettings = z.infer<typeof OnboardingSettings>;

/** What a tenant that configured nothing gets: first and last name, then an optional password. */
export const DEFAULT_ONBOARDING_SETTINGS: OnboardingSettings = {
  profile: [
    { name: 'first_name', required: true },
    { name: 'last_name', required: true },
  ],
  password: 'optional',
  mfa: 'off',
};
