import type { Transaction } from 'kysely';
import type { FailureCode, Step, StepInput } from '../../protocol/index.js';
import type { ApiError } from '../errors.js';
import type { Database, LinkTable } from '../store/schema.js';
import type { FlowRecord, FlowState } from './flow-record.js';
import type { Change, Extra } from './step-rules.js';

/** What a sign-in's steps get of the engine: the flow, and the engine's way to change or end it. */
export interface FlowPort {
  record: FlowRecord;
  commit(change: Change, extra?: Extra): Promise<FlowRecord>;
  fail(reason: FailureCode): Promise<FlowRecord>;
}

/** A user token's sign-in as the engine opens its flow: the first step with what MFA or onboarding keeps, or why it was refused. */
export type UserTokenOpening = { link: LinkTable; step: Step; state?: FlowState; challenge?: { id: string; max_attempts: number } } | { refusal: ApiError };

/**
 * The sign-in half as the shared engine sees it (identity/signin-flow.ts is the one): flows of
 * sign-in links go through these, so the engine depends on this contract, not on that half.
 */
export interface SignInSteps {
  /** The step a sign-in link's flow opens on, or why it cannot open. */
  firstStep(link: LinkTable): Promise<Step | FailureCode>;
  /** Uses a user token up inside the flow's opening transaction. */
  signInWithUserToken(trx: Transaction<Database>, token: string, options: { now: number; host: string | undefined; returnTo?: string; openOnboarding?: boolean }): Promise<UserTokenOpening>;
  apply(port: FlowPort, input: Exclude<StepInput, { kind: 'providers' | 'cancel' }>, address: string): Promise<FlowRecord>;
  /** A cancel: the sign-in it still completes (a closed onboarding), or undefined to end the flow. */
  closeOnboarding(port: FlowPort): Promise<FlowRecord | undefined>;
}
