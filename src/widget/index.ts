/**
 * The Keyway widget: importing this module registers every element
 * (a second copy of the library keeps the first registration; see `define()`).
 */
export { KeywayWizard } from './wizard/wizard.js';
export { KeywayProviders } from './providers/providers.js';
export type { KeywayCredentials } from './credentials/credentials.js';
export { loadCredentialsElement } from './credentials/lazy.js';
export type { KeywayMfa } from './mfa/mfa.js';
export { loadMfaElement } from './mfa/lazy.js';
export { KeywaySuccess } from './success/success.js';
export { KeywayFailure } from './failure/failure.js';
/** `<keyway-qr>` and `<keyway-oauth>` are loaded on demand, when the wizard first shows their step; these define them. */
export type { KeywayQr } from './qr/qr.js';
export type { KeywayOAuth } from './oauth/oauth.js';
export { loadQrElement } from './qr/lazy.js';
export { loadOAuthElement } from './oauth/lazy.js';
/** `<keyway-confirm>`, the sign-in flow's first step, is loaded on demand too. */
export type { KeywayConfirm } from './confirm/confirm.js';
export { loadConfirmElement } from './confirm/lazy.js';
/** The sign-in's MFA set-up and its recovery codes, on demand as well. */
export type { KeywayMfaSetup } from './mfa-setup/mfa-setup.js';
export { loadMfaSetupElement } from './mfa-setup/lazy.js';
export type { KeywayRecoveryCodes } from './recovery-codes/recovery-codes.js';
export { loadRecoveryCodesElement } from './recovery-codes/lazy.js';
export { KeywayHelp } from './help/help.js';
export { KeywayProgress } from './progress/progress.js';
export * from './events/events.js';
export type { FailureReason, FailureView, LinkErrorCode } from './internal/failure-reason.js';
export type { HostMessageTarget } from './wizard/host-messages.js';
export { define } from './internal/keyway-element.js';
export { setLanguage } from './i18n/localize.js';
export type { Translation, TranslationKey } from './i18n/en.js';
