import { KeywayEvent } from './keyway-event.js';

/** The user cancelled the flow; the host may close the wizard. */
export class KeywayExitEvent extends KeywayEvent {
  constructor(readonly detail: { readonly flowId: string }) {
    super('keyway-exit');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-exit': KeywayExitEvent;
  }
}
