/**
 * `keyway/react`: `<KeywayWizard>` and `<KeywayConnect>`, React components for Keyway's custom elements, with typed
 * `onKeyway…` event props. Safe to import and render on a server: nothing here touches `window`, `document` or
 * `customElements` until the browser runs it.
 */
export { KeywayWizard } from './wizard.js';
export type { KeywayWizardAttributes, KeywayWizardElement, KeywayWizardProps } from './wizard.js';
export { KeywayConnect } from './connect.js';
export type { KeywayConnectAttributes, KeywayConnectElement, KeywayConnectProps } from './connect.js';
export type { KeywayExitEvent } from '../widget/events/exit.js';
export type { KeywayFailureEvent } from '../widget/events/failure.js';
export type { KeywayStepEvent } from '../widget/events/step.js';
export type { KeywaySuccessEvent } from '../widget/events/success.js';
export type { ExitResult, FailureResult, PopupBlockedResult, SuccessResult } from '../embed/open.js';
export type { HostMessage } from '../embed/messages.js';
