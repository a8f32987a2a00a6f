import { KeywayEvent } from './keyway-event.js';

/** The account is connected. */
export class KeywaySuccessEvent extends KeywayEvent {
  constructor(readonly detail: { readonly flowId: string; readonly accountId: string; readonly provider: string }) {
    super('keyway-success');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-success': KeywaySuccessEvent;
  }
}
