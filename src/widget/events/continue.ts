import { KeywayEvent } from './keyway-event.js';

/** The user chose to leave a success or failure screen now instead of waiting for the countdown. */
export class KeywayContinueEvent extends KeywayEvent {
  constructor() {
    super('keyway-continue');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-continue': KeywayContinueEvent;
  }
}
