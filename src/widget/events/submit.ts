import type { StepInput } from '../../protocol/index.js';
import { KeywayEvent } from './keyway-event.js';

/** A step element has input for the server; the wizard posts it as is. */
export class KeywaySubmitEvent extends KeywayEvent {
  constructor(readonly input: StepInput) {
    super('keyway-submit');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-submit': KeywaySubmitEvent;
  }
}
