import type { FailureCode } from '../../protocol/index.js';

/** Default English wording of failures; the wizard shows its own translation by `reason`. */
export const FAILURE_MESSAGES: Record<FailureCode, string> = {
  link_expired: 'This link has expired. Ask the app for a new one.',
  user_cancelled: 'You cancelled before the account was connected.',
  mfa_locked: 'Too many wrong codes. The connection was stopped to protect the account.',
  access_denied: 'Access was not granted, so the account was not connected.',
  provider_error: 'The provider did not answer as expected. Please try again later.',
  link_used: 'This link has already been used. Ask the app for a new one.',
  user_inactive: 'This account is not active, so it cannot sign in.',
};
