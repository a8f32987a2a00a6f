import { createComponent, type EventName } from '@lit/react';
import React from 'react';
// Defines <keyway-connect> in a browser (the SDK is in this package and tiny); without a DOM it defines nothing.
import '../embed/index.js';
import type { KeywayConnect as KeywayConnectElement } from '../embed/connect.js';
import type { HostMessage } from '../embed/messages.js';
import type { ExitResult, FailureResult, Mode, PopupBlockedResult, SuccessResult } from '../embed/open.js';
import { asAttributes, PlainElement, type AttributeNames } from './attributes.js';

export type { KeywayConnectElement };

/** What `<keyway-connect>` reads from its attributes. */
export interface KeywayConnectAttributes {
  /** The link URL from the link API. */
  url?: string;
  /** How the wizard is shown: `modal` (default), `popup`, `inline` or `redirect`. */
  mode?: Mode;
  /** `popup` mode when the popup is blocked: open a modal (default) or report `popup_blocked` as an exit. */
  fallback?: 'modal' | 'none';
  /** `modal` and `inline`: milliseconds the wizard may stay silent before `onKeywayFailure` with `frame_refused`. Default 10 000; 0 waits forever. */
  readyTimeoutMs?: number;
}

const CONNECT_ATTRIBUTES: AttributeNames<KeywayConnectAttributes> = { url: 'url', mode: 'mode', fallback: 'fallback', readyTimeoutMs: 'ready-timeout-ms' };

const LitConnect = createComponent({
  react: React,
  tagName: 'keyway-connect',
  elementClass: PlainElement,
  displayName: 'keyway-connect',
  events: {
    /** The account is connected: `event.detail` is `{status: 'success', accountId, provider}`. */
    onKeywaySuccess: 'keyway-success' as EventName<CustomEvent<SuccessResult>>,
    /** The flow failed or was cancelled in the wizard: `{status: 'failure', reason, message}`. */
    onKeywayFailure: 'keyway-failure' as EventName<CustomEvent<FailureResult>>,
    /** The user closed the modal or popup (`{status: 'exit'}`), or the popup was blocked (`{status: 'popup_blocked'}`). */
    onKeywayExit: 'keyway-exit' as EventName<CustomEvent<ExitResult | PopupBlockedResult>>,
    /** Every message from the wizard, `step` included: `{keyway: 1, type, flowId, data}`. */
    onKeywayEvent: 'keyway-event' as EventName<CustomEvent<HostMessage>>,
  },
});

export type KeywayConnectProps = KeywayConnectAttributes & Omit<React.ComponentPropsWithoutRef<typeof LitConnect>, keyof KeywayConnectAttributes>;

/**
 * `<keyway-connect>` for React: a button (its children are the label) that opens the link and reports the outcome
 * through `onKeywaySuccess`, `onKeywayFailure` and `onKeywayExit`; the wizard's steps arrive in `onKeywayEvent`.
 * A ref gives the element, whose `open()` opens the link from your own click handler.
 */
export const KeywayConnect = React.forwardRef<KeywayConnectElement, KeywayConnectProps>(function KeywayConnect(props, ref) {
  return React.createElement(LitConnect, { ...asAttributes(props, CONNECT_ATTRIBUTES), ref } as React.ComponentPropsWithRef<typeof LitConnect>);
});
