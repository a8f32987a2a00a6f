/**
 * The Keyway widget: importing this module registers every element
 * (a second copy of the library keeps the first registration; see `define()`).
 */
export { KeywayWizard } from './wizard/wizard.js';
export { KeywayProviders } from './providers/providers.js';
export { KeywayCredentials } from './credentials/credentials.js';
export { KeywayMfa } from './mfa/mfa.js';
export { KeywaySuccess } from './success/success.js';
export { KeywayFailure } from './failure/failure.js';
export { KeywayHelp } from './help/help.js';
export { KeywayProgress } from './progress/progress.js';
export * from './events/events.js';
export type { FailureReason, FailureView, LinkErrorCode } from './internal/failure-reason.js';
export type { HostMessageTarget } from './wizard/host-messages.js';
export { define } from './internal/keyway-element.js';
export { setLanguage } from './i18n/localize.js';
export type { Translation, TranslationKey } from './i18n/en.js';
