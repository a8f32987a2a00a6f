import type { FailureCode, StepKind } from '../../protocol/index.js';
import type { LinkTable } from '../store/schema.js';

/** A flow's end as the engine committed it. */
export interface FlowEnding {
  type: LinkTable['type'];
  provider: string | null;
  status: 'succeeded' | 'failed' | 'expired';
  reason?: FailureCode;
}

/**
 * What the engine tells whoever watches it (the metrics): flows opened, how long a user took to answer
 * each kind of step, and how flows ended. Called after the change committed; must not throw.
 */
export interface FlowObserver {
  opened(type: LinkTable['type']): void;
  /** `ms`: from the step being shown (its commit) to the user's answer being applied. */
  answered(step: StepKind, ms: number): void;
  ended(ending: FlowEnding): void;
}
