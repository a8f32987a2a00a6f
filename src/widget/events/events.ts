export { KeywayEvent } from './keyway-event.js';
export { KeywayContinueEvent } from './continue.js';
export { KeywayExitEvent } from './exit.js';
export { KeywayFailureEvent } from './failure.js';
export { KeywayStepEvent } from './step.js';
export { KeywaySubmitEvent } from './submit.js';
export { KeywaySuccessEvent } from './success.js';
