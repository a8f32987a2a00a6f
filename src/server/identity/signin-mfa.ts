import type { Kysely, Transaction } from 'kysely';
import type { Step, StepOf } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { keyedError } from '../i18n/words.js';
import type { FlowRecord, FlowState } from '../flows/flow-record.js';
import { challengeBudget, mfaSubjectKey, spendAttempt } from '../flows/mfa-attempts.js';
import { newStepId, type Extra } from '../flows/step-rules.js';
import type { RateLimits } from '../security/rate-limits.js';
import type { Sealer } from '../security/sealer.js';
import { newId } from '../security/tokens.js';
import type { Database, SignInMethod } from '../store/schema.js';
import { beginMfaSetup, checkMfaCode, confirmMfaSetup, useRecoveryCode, userHasMfa } from './mfa.js';
import type { OnboardingStage } from './onboarding.js';
import type { FlowPort } from '../flows/sign-in-steps.js';

/** Who is signing in once they have shown it (a confirm click, an email code); sealed in the flow state while MFA is owed. */
export interface ProvenUser {
  userId: string;
  method: SignInMethod;
  mfaPassed?: boolean;
  /** A user token's `closeOnboardingRedirect`, for the redirect once MFA is passed. */
  returnTo?: string;
  /** `openOnboarding`: the onboarding parts still to show before the sign-in completes. */
  onboarding?: OnboardingStage[];
}

/** The second-factor step a sign-in owes, with the challenge to open for it. */
export interface MfaPlan {
  step: Step;
  state: FlowState;
  challenge: { id: string; max_attempts: number };
}

const TOTP_ATTEMPTS = 5;
const TOTP_DIGITS = 6;

function provenUser(record: FlowRecord): ProvenUser {
  const proven = record.state.adapter['proven'] as ProvenUser | undefined;
  if (!proven) throw new ApiError(409, 'step_mismatch', 'There is no sign-in waiting for a second factor.');
  return proven;
}

type CodeStep = StepOf<'mfa'> | StepOf<'mfa-setup'>;

/**
 * Spends an attempt of the open challenge and of the flow before `check` runs; a wrong code also
 * counts against the client's address and the account, and comes back as the same step with an error.
 */
export async function answerWithBudget(
  deps: { db: Kysely<Database>; limits: RateLimits },
  port: FlowPort,
  address: string,
  check: () => Promise<boolean>,
  right: () => Promise<FlowRecord>,
): Promise<FlowRecord> {
  const { record } = port;
  const { challengeId, mfaSubject } = record.state;
  if (!challengeId || (record.step.kind !== 'mfa' && record.step.kind !== 'mfa-setup')) throw new ApiError(409, 'step_mismatch', 'There is no code to check.');
  const { limits } = deps;
  await limits.check('mfa_code_failures', address);
  if (mfaSubject) await limits.check('mfa_account_failures', mfaSubject);
  const spent = await spendAttempt(deps.db, { flowId: record.row.id, challengeId });
  if (!spent) return port.fail('mfa_locked');
  if (await check()) return right();
  await limits.count('mfa_code_failures', address);
  if (mfaSubject) await limits.count('mfa_account_failures', mfaSubject);
  if (spent.left <= 0) return port.fail('mfa_locked');
  const step: CodeStep = { ...record.step, id: newStepId(), attemptsLeft: spent.left, error: 'invalid_code' };
  return port.commit({ step, state: record.state });
}

/**
 * The second factor of a wizard sign-in: a user with MFA types the app's code (or a recovery code);
 * when the tenant requires MFA, a user without it sets it up and is shown the recovery codes first.
 */
export class SignInMfa {
  constructor(private readonly deps: { db: Kysely<Database>; sealer: Sealer; limits: RateLimits; clock: () => number }) {}

  /** The step the sign-in owes before its code, committed; undefined when it may be issued now. */
  async due(port: FlowPort, proven: ProvenUser, appName: string): Promise<FlowRecord | undefined> {
    const { record } = port;
    // Read afresh: an email code checked just before spent one of the flow's attempts after the record was loaded.
    const flow = await this.deps.db.selectFrom('flows').select('mfa_attempts').where('id', '=', record.row.id).executeTakeFirstOrThrow();
    const plan = await this.plan(this.deps.db, { tenantId: record.row.tenant_id, proven, appName, attemptsUsed: flow.mfa_attempts });
    if (plan === 'locked') return port.fail('mfa_locked');
    if (!plan) return undefined;
    const challenge: Extra = async (trx) => {
      await trx.insertInto('challenges').values({ ...plan.challenge, flow_id: record.row.id, attempts: 0, created_at: this.deps.clock() }).execute();
    };
    return port.commit({ step: plan.step, state: plan.state }, challenge);
  }

  /**
   * What MFA the user owes (none: undefined), worked out in `db`, which may be the caller's transaction.
   * `setUp` (onboarding) sets MFA up for a user without it even when the tenant does not require it;
   * `optional` lets the user skip it, unless the tenant requires MFA.
   */
  async plan(
    db: Kysely<Database> | Transaction<Database>,
    options: { tenantId: string; proven: ProvenUser; appName: string; attemptsUsed: number; setUp?: 'optional' | 'required' },
  ): Promise<MfaPlan | 'locked' | undefined> {
    const { proven, appName } = options;
    if (proven.mfaPassed) return undefined;
    const { sealer, clock } = this.deps;
    const user = await db.selectFrom('users').select(['id', 'tenant_id', 'email', 'mfa_enabled']).where('id', '=', proven.userId).where('tenant_id', '=', options.tenantId).executeTakeFirst();
    if (!user) return undefined;
    const tenant = await db.selectFrom('tenants').select('require_mfa').where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
    if (!userHasMfa(user) && tenant.require_mfa !== 1 && !options.setUp) return undefined;
    const attempts = challengeBudget(TOTP_ATTEMPTS, options.attemptsUsed);
    if (attempts === 0) return 'locked';
    const setup = userHasMfa(user) ? 'already_enabled' : await beginMfaSetup(db, sealer, user, clock());
    const step: Step =
      setup === 'already_enabled'
        ? { kind: 'mfa', id: newStepId(), method: 'totp', length: TOTP_DIGITS, attemptsLeft: attempts, canResend: false, canUseRecoveryCode: true }
        : {
            kind: 'mfa-setup',
            id: newStepId(),
            appName,
            uri: setup.uri,
            secret: setup.secret,
            length: TOTP_DIGITS,
            attemptsLeft: attempts,
            ...(options.setUp === 'optional' && tenant.require_mfa !== 1 ? { canSkip: true } : {}),
          };
    const challengeId = newId();
    const state: FlowState = { adapter: { proven }, challengeId, mfaSubject: mfaSubjectKey(user.tenant_id, 'TOTP', user.id) };
    return { step, state, challenge: { id: challengeId, max_attempts: attempts } };
  }

  /** A code (or a recovery code) for the second factor, or the first code of a factor being set up. */
  async answer(port: FlowPort, input: { kind: 'mfa' | 'recovery'; code: string }, address: string, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const { record } = port;
    const proven = provenUser(record);
    const { db, sealer, clock } = this.deps;
    if (record.step.kind === 'mfa-setup' && input.kind === 'mfa') {
      let codes: string[] = [];
      const check = async () => {
        const confirmed = await confirmMfaSetup(db, sealer, proven.userId, input.code, clock());
        if (confirmed.outcome === 'enabled') codes = confirmed.recoveryCodes;
        return confirmed.outcome === 'enabled';
      };
      const shown = () =>
        port.commit({ step: { kind: 'recovery-codes', id: newStepId(), appName: record.step.kind === 'mfa-setup' ? record.step.appName : '', codes }, state: { adapter: { proven: { ...proven, mfaPassed: true } } } });
      return answerWithBudget(this.deps, port, address, check, shown);
    }
    if (record.step.kind !== 'mfa' || record.step.method !== 'totp') throw keyedError(422, 'input_mismatch', 'signin.error.no_recovery_code');
    const check =
      input.kind === 'recovery'
        ? () => useRecoveryCode(db, proven.userId, input.code, clock())
        : async () => (await checkMfaCode(db, sealer, proven.userId, input.code, clock())) === 'accepted';
    return answerWithBudget(this.deps, port, address, check, () => signIn({ ...proven, mfaPassed: true }));
  }

  /** The user saved the recovery codes: the sign-in goes on, MFA passed. */
  acknowledge(port: FlowPort, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const proven = provenUser(port.record);
    if (port.record.step.kind !== 'recovery-codes' || !proven.mfaPassed) throw new ApiError(409, 'step_mismatch', 'There are no recovery codes to acknowledge.');
    return signIn(proven);
  }
}
