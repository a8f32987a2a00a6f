import { createComponent, type EventName } from '@lit/react';
import React from 'react';
import type { KeywayExitEvent } from '../widget/events/exit.js';
import type { KeywayFailureEvent } from '../widget/events/failure.js';
import type { KeywayStepEvent } from '../widget/events/step.js';
import type { KeywaySuccessEvent } from '../widget/events/success.js';
import { asAttributes, PlainElement, type AttributeNames } from './attributes.js';

/** What `<keyway-wizard>` reads from its attributes (see the README's attribute table). */
export interface KeywayWizardAttributes {
  /** The link token: the last part of the link URL. */
  link?: string;
  /** A user token (seed 002) from a `/login/?token=` URL, to sign a user in instead of opening a link. */
  userToken?: string;
  /** With `userToken`: the path inside the app to land on afterwards. */
  returnTo?: string;
  /** Where Keyway's API is, e.g. `https://keyway.example.com`; empty means this page's origin. */
  apiBase?: string;
  /** Milliseconds the outcome is shown before the redirect. Default 3000. */
  redirectDelay?: number;
  /** Level of the step headings. Default 2. */
  headingLevel?: number;
  /** `auto` (default) follows the system's light or dark preference. */
  theme?: 'auto' | 'light' | 'dark';
}

/** The `<keyway-wizard>` a ref points at. */
export type KeywayWizardElement = HTMLElement & Required<KeywayWizardAttributes>;

const WIZARD_ATTRIBUTES: AttributeNames<KeywayWizardAttributes> = {
  link: 'link',
  userToken: 'user-token',
  returnTo: 'return-to',
  apiBase: 'api-base',
  redirectDelay: 'redirect-delay',
  headingLevel: 'heading-level',
  theme: 'theme',
};

const LitWizard = createComponent({
  react: React,
  tagName: 'keyway-wizard',
  elementClass: PlainElement,
  displayName: 'keyway-wizard',
  events: {
    /** A new step is shown: `event.detail` is `{kind, flowId}`. */
    onKeywayStep: 'keyway-step' as EventName<KeywayStepEvent>,
    /** The account is connected: `{flowId, accountId, provider}`. */
    onKeywaySuccess: 'keyway-success' as EventName<KeywaySuccessEvent>,
    /** The flow ended without an account, or the link was refused: `{flowId, reason, message}`. */
    onKeywayFailure: 'keyway-failure' as EventName<KeywayFailureEvent>,
    /** The user cancelled: `{flowId}`. */
    onKeywayExit: 'keyway-exit' as EventName<KeywayExitEvent>,
  },
});

export type KeywayWizardProps = KeywayWizardAttributes & Omit<React.ComponentPropsWithoutRef<typeof LitWizard>, keyof KeywayWizardAttributes>;

/**
 * `<keyway-wizard>` for React, with its attributes as camelCase props and its events as `onKeyway…` props.
 *
 * It does not define the element: the wizard is the Keyway server's own module (`/assets/…` on your Keyway,
 * see the README), because it must speak that server's flow API and load that server's on-demand chunks. The
 * props are rendered as attributes, never set as properties, so the element starts right whenever that script
 * arrives (before or after React renders), and a server render gives the same markup the browser hydrates.
 */
export const KeywayWizard = React.forwardRef<KeywayWizardElement, KeywayWizardProps>(function KeywayWizard(props, ref) {
  return React.createElement(LitWizard, { ...asAttributes(props, WIZARD_ATTRIBUTES), ref } as React.ComponentPropsWithRef<typeof LitWizard>);
});
