import type { Flow } from '../../protocol/flow.js';
import type { StepInput } from '../../protocol/step-input.js';
import type { FailureView } from '../internal/failure-reason.js';
import { t, tServer } from '../i18n/localize.js';
import { FlowApiError, FlowNetworkError } from './flow-client.js';
import { linkErrorDetails } from './host-messages.js';

/** What the wizard shows: a flow, or the reason its link was refused before any flow existed. */
export type WizardView =
  | { type: 'flow'; flow: Flow }
  | { type: 'link-error'; failure: FailureView; hostOrigins: string[] };

/** What the wizard asks of the server. */
export type WizardAction = { type: 'open' } | { type: 'submit'; input: StepInput };

const LINK_ERRORS: Record<number, FailureView['reason']> = { 404: 'link_not_found', 409: 'link_used', 410: 'link_expired' };

/**
 * Turns the open call's 404/409/410 into a failure view. Only an expired link
 * carries host origins and a redirect (the server knows them from the link);
 * an unknown or used link must not reveal where it would have led.
 */
export function linkErrorView(error: unknown): WizardView | undefined {
  if (!(error instanceof FlowApiError)) return undefined;
  const reason = LINK_ERRORS[error.status];
  if (!reason) return undefined;
  const details: ReturnType<typeof linkErrorDetails> = reason === 'link_expired' ? linkErrorDetails(error.details) : { hostOrigins: [] };
  const { hostOrigins, redirectUrl, newLinkUrl } = details;
  const failure: FailureView = { kind: 'failure', id: 'link', reason, message: error.message, retryable: false };
  if (redirectUrl) failure.redirectUrl = redirectUrl;
  if (newLinkUrl) failure.newLinkUrl = newLinkUrl;
  return { type: 'link-error', failure, hostOrigins };
}

/** The steps a user can step back from. */
export const BACK_STEPS: ReadonlySet<string> = new Set(['credentials', 'mfa', 'qr', 'oauth']);

/** Whether the step ends the flow (nothing left to cancel): success, or a failure the user cannot retry. */
export function isFinalStep(step: { kind: string; retryable?: boolean }): boolean {
  return step.kind === 'success' || step.kind === 'signed-in' || (step.kind === 'failure' && !step.retryable);
}

export function isApiError(error: unknown, status: number, code?: string): error is FlowApiError {
  return error instanceof FlowApiError && error.status === status && (code === undefined || error.code === code);
}

/** Words for the alert, and whether repeating the request may help. Aborted requests say nothing. */
export function describeError(error: unknown): { message: string; retry: boolean } | undefined {
  if (error instanceof DOMException && error.name === 'AbortError') return undefined;
  if (error instanceof FlowNetworkError) return { message: t('wizard.networkError'), retry: true };
  if (error instanceof FlowApiError && error.status === 422) return { message: tServer(error.message, error.i18n), retry: false };
  // A limit says how long to wait; the step stays, and trying again later is the way on.
  if (error instanceof FlowApiError && error.status === 429) return { message: tServer(error.message, error.i18n), retry: true };
  return { message: t('wizard.unexpectedError'), retry: true };
}
