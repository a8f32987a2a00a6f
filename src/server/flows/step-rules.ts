import type { Transaction } from 'kysely';
import type { FailureCode, MessageRef, Step, StepInputKind, StepKind, StepOf } from '../../protocol/index.js';
import { newToken } from '../security/tokens.js';
import type { Database, FlowTable } from '../store/schema.js';
import type { FlowState } from './flow-record.js';

/** The engine's fixed rules: which input answers which step, what a change is, what is worth retrying. */

/** Which inputs answer which step; anything else is refused. */
export const ACCEPTED_INPUTS: Record<StepKind, readonly StepInputKind[]> = {
  providers: ['providers', 'cancel'],
  credentials: ['credentials', 'back', 'cancel'],
  mfa: ['mfa', 'recovery', 'resend', 'back', 'cancel'],
  'mfa-setup': ['mfa', 'skip', 'cancel'],
  'recovery-codes': ['acknowledge', 'cancel'],
  profile: ['profile', 'cancel'],
  'password-setup': ['password', 'skip', 'cancel'],
  qr: ['back', 'cancel'],
  oauth: ['back', 'cancel'],
  success: [],
  confirm: ['confirm', 'cancel'],
  'signed-in': [],
  /** Only a retryable failure is still active: the user may try again (back) or give up (cancel). */
  failure: ['back', 'cancel'],
};

export interface Change {
  /** Or worked out inside the commit's transaction, when it depends on what the transaction does (a sign-in's code). */
  step: Step | ((trx: Transaction<Database>) => Promise<Step>);
  state: FlowState;
  status?: FlowTable['status'];
  provider?: string | null;
  accountId?: string;
}

export type Extra = (trx: Transaction<Database>) => Promise<void>;

export const newStepId = () => newToken(9);

/** Failures worth another try: the provider had a problem, or the user declined and may change their mind. */
export const RETRYABLE: ReadonlySet<FailureCode> = new Set(['provider_error', 'access_denied']);

/** A QR code is replaced this long before it expires, so a phone never scans a dead one. */
export const QR_RENEW_BEFORE_MS = 5000;

/** A credentials step's keys after a retry: its help's key stays, the errors' keys are the new errors'. */
export function credentialTextKeys(step: StepOf<'credentials'>, errorKeys: Record<string, MessageRef> | undefined): Pick<StepOf<'credentials'>, 'i18n'> {
  const help = step.i18n?.help;
  if (!help && !errorKeys) return {};
  return { i18n: { ...(help ? { help } : {}), ...(errorKeys ? { errors: errorKeys } : {}) } };
}
