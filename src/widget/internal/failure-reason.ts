import type { FailureCode, StepOf } from '../../protocol/index.js';

/** Link errors the server answers before any flow exists; they have no FailureCode of their own. */
export type LinkErrorCode = 'link_not_found' | 'link_used';

export type FailureReason = FailureCode | LinkErrorCode;

/** A failure step, or one the wizard builds locally when the link itself is refused. */
export type FailureView = Omit<StepOf<'failure'>, 'reason'> & { reason: FailureReason };
