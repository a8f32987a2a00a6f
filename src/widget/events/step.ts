import type { StepKind } from '../../protocol/index.js';
import { KeywayEvent } from './keyway-event.js';

/** The wizard shows a new step. */
export class KeywayStepEvent extends KeywayEvent {
  constructor(readonly detail: { readonly kind: StepKind; readonly flowId: string }) {
    super('keyway-step');
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'keyway-step': KeywayStepEvent;
  }
}
