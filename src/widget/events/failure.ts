import type { FailureReason } from '../internal/failure-reason.js';
import { KeywayEvent } from './keyway-event.js';

/**
 * The flow ended without an account: a failure step, or a link the server refused.
 * `flowId` is empty when no flow could be opened.
 */
export class KeywayFailureEvent extends KeywayEvent {
  constructor(readonly detail: { readonly flowId: string; readonly reason: FailureReason; readonly message: string }) {
    super('keyway-failure');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-failure': KeywayFailureEvent;
  }
}
