import type { Kysely, Transaction } from 'kysely';
import * as z from 'zod/mini';
import type { Field, OnboardingMode, OnboardingProfileField, ProfileFieldName, ServerWordKey, Step, StepInput, StepOf } from '../../protocol/index.js';
import { PASSWORD_LENGTH, PersonName, PhoneNumber, TimeZone } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { fieldErrors, texts } from '../i18n/words.js';
import type { FlowRecord } from '../flows/flow-record.js';
import { newStepId } from '../flows/step-rules.js';
import type { Database, UserTable } from '../store/schema.js';
import { onboardingSettings } from './onboarding-settings.js';
import type { PasswordSignIn } from './password-sign-in.js';
import type { FlowPort } from '../flows/sign-in-steps.js';
import type { MfaPlan, ProvenUser, SignInMfa } from './signin-mfa.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The onboarding's parts, in the order they are shown. */
export type OnboardingStage = 'profile' | 'password' | 'mfa';

/** An onboarding step to show, with what the flow keeps while it is open (and a code challenge for MFA set-up). */
type OnboardingPlan = Pick<MfaPlan, 'step' | 'state'> & { challenge?: MfaPlan['challenge'] };

type ProfileColumn = Extract<keyof UserTable, ProfileFieldName>;

interface ProfileFieldRule {
  /** The field without its words, which `profileFields` adds by key. */
  field: Omit<Field, 'label' | 'hint' | 'required' | 'value'>;
  schema: z.ZodMiniType<string>;
  hint?: ServerWordKey;
  /** What the user reads when the value is refused. */
  invalid: ServerWordKey;
  /** Empty but required. */
  missing: ServerWordKey;
}

/** Every zone this runtime knows, plus UTC, which Intl leaves out of the list but accepts. */
function timeZoneOptions(): { value: string; label: string }[] {
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}

const PROFILE_FIELDS: Record<ProfileFieldName, ProfileFieldRule> = {
  first_name: {
    field: { name: 'first_name', type: 'text', autocomplete: 'given-name', maxLength: 100 },
    schema: PersonName,
    invalid: 'profile.error.name_invalid',
    missing: 'profile.first_name.missing',
  },
  last_name: {
    field: { name: 'last_name', type: 'text', autocomplete: 'family-name', maxLength: 100 },
    schema: PersonName,
    invalid: 'profile.error.name_invalid',
    missing: 'profile.last_name.missing',
  },
  phone_number: {
    field: { name: 'phone_number', type: 'text', autocomplete: 'tel', pattern: '\\+[1-9][0-9]{6,14}', maxLength: 16 },
    schema: PhoneNumber,
    hint: 'profile.phone_number.hint',
    invalid: 'profile.phone_number.invalid',
    missing: 'profile.phone_number.missing',
  },
  timezone: {
    field: { name: 'timezone', type: 'select', get options() { return timeZoneOptions(); } },
    schema: TimeZone,
    invalid: 'profile.timezone.invalid',
    missing: 'profile.timezone.missing',
  },
};

/** The profile fields the tenant asks for, each prefilled with what the user row holds. */
function profileFields(wanted: readonly OnboardingProfileField[], user: Pick<UserTable, ProfileColumn>): Field[] {
  return wanted.map(({ name, required }) => {
    const rule = PROFILE_FIELDS[name];
    const current = user[name] ?? '';
    const options = rule.field.options;
    // A stored zone this runtime does not list still shows, rather than vanish from the select.
    const withCurrent = options && current && !options.some((option) => option.value === current) ? { options: [{ value: current, label: current }, ...options] } : {};
    const label: ServerWordKey = required ? `profile.${name}.label` : `profile.${name}.label_optional`;
    const words = rule.hint ? texts({ label, hint: rule.hint }) : texts({ label });
    return { ...rule.field, ...words, ...withCurrent, required, ...(current ? { value: current } : {}) };
  });
}

/** The columns to write, or the user-facing reason each refused field was refused. */
export function checkProfile(wanted: readonly OnboardingProfileField[], values: Record<string, string>): { changes: Partial<Pick<UserTable, ProfileColumn>> } | { errors: Record<string, ServerWordKey> } {
  const unknown = Object.keys(values).filter((name) => !wanted.some((field) => field.name === name));
  if (unknown.length > 0) throw new ApiError(422, 'invalid_request', `Unknown fields: ${unknown.join(', ')}.`);
  const errors: Record<string, ServerWordKey> = {};
  const changes: Partial<Record<ProfileColumn, string | null>> = {};
  for (const { name, required } of wanted) {
    const rule = PROFILE_FIELDS[name];
    const value = (values[name] ?? '').trim();
    if (value === '') {
      if (required) errors[name] = rule.missing;
      // Names are never null in the row; the other fields are cleared.
      else changes[name] = name === 'first_name' || name === 'last_name' ? '' : null;
      continue;
    }
    const parsed = z.safeParse(rule.schema, value);
    if (parsed.success) changes[name] = parsed.data;
    else errors[name] = rule.invalid;
  }
  return Object.keys(errors).length > 0 ? { errors } : { changes: changes as Partial<Pick<UserTable, ProfileColumn>> };
}

function provenOf(record: FlowRecord): ProvenUser {
  const proven = record.state.adapter['proven'] as ProvenUser | undefined;
  if (!proven) throw new ApiError(409, 'step_mismatch', 'There is no sign-in waiting for its onboarding.');
  return proven;
}

/**
 * Onboarding (seed 002's `openOnboarding`): before a user token's sign-in completes, the profile
 * fields the tenant asks for, a password for a user who has none, and MFA set-up for a user
 * without it, each only when the tenant's settings ask for it. Which parts are left travels in the
 * flow's sealed state with the proven user; each answer saves its part and moves to the next.
 */
export class Onboarding {
  constructor(private readonly deps: { db: Kysely<Database>; clock: () => number; passwords: PasswordSignIn; mfa: SignInMfa }) {}

  /** The parts this user is to go through, worked out when the flow opens. */
  async stages(db: Db, tenantId: string, userId: string): Promise<OnboardingStage[]> {
    const settings = await onboardingSettings(db, tenantId);
    const user = await db.selectFrom('users').select(['has_password', 'mfa_enabled']).where('id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!user) return [];
    const tenant = await db.selectFrom('tenants').select('require_mfa').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const stages: OnboardingStage[] = [];
    if (settings.profile.length > 0) stages.push('profile');
    if (settings.password !== 'off' && user.has_password !== 1) stages.push('password');
    if (user.mfa_enabled !== 1 && (settings.mfa !== 'off' || tenant.require_mfa === 1)) stages.push('mfa');
    return stages;
  }

  /**
   * The step a flow opens on, in the opening's transaction; undefined when there is no onboarding,
   * or when the user has MFA: the code comes first, and the onboarding follows it.
   */
  async opening(trx: Transaction<Database>, options: { tenantId: string; proven: ProvenUser; appName: string }): Promise<OnboardingPlan | undefined> {
    const { proven } = options;
    if (!proven.onboarding?.length) return undefined;
    const user = await trx.selectFrom('users').select('mfa_enabled').where('id', '=', proven.userId).executeTakeFirst();
    if (!user || user.mfa_enabled === 1) return undefined;
    const plan = await this.#firstDue(trx, { ...options, attemptsUsed: 0 });
    // A flow that has just opened has spent none of its attempts, so it cannot be locked.
    return plan === 'locked' ? undefined : plan;
  }

  /** Shows the next part left, or signs the user in when none is. */
  async next(port: FlowPort, proven: ProvenUser, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const { db } = this.deps;
    const { record } = port;
    if (!proven.onboarding?.length) return signIn(proven);
    // Read afresh: codes typed earlier in this flow spent some of its attempts.
    const flow = await db.selectFrom('flows').select('mfa_attempts').where('id', '=', record.row.id).executeTakeFirstOrThrow();
    const plan = await this.#firstDue(db, { tenantId: record.row.tenant_id, proven, appName: await this.#appName(record), attemptsUsed: flow.mfa_attempts });
    if (plan === 'locked') return port.fail('mfa_locked');
    if (!plan) return signIn({ ...proven, onboarding: [] });
    const { challenge } = plan;
    const openChallenge = challenge
      ? async (trx: Transaction<Database>) => {
          await trx.insertInto('challenges').values({ ...challenge, flow_id: record.row.id, attempts: 0, created_at: this.deps.clock() }).execute();
        }
      : undefined;
    return port.commit({ step: plan.step, state: plan.state }, openChallenge);
  }

  /** A profile, a password or a skip: saved, then the next part. */
  async answer(port: FlowPort, input: Extract<StepInput, { kind: 'profile' | 'password' | 'skip' }>, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const { record } = port;
    const proven = provenOf(record);
    const step = record.step;
    if (input.kind === 'profile' && step.kind === 'profile') return this.#saveProfile(port, step, proven, input.values, signIn);
    if (input.kind === 'password' && step.kind === 'password-setup') return this.#setPassword(port, step, proven, input.password, signIn);
    if (input.kind === 'skip' && ((step.kind === 'password-setup' && step.optional) || (step.kind === 'mfa-setup' && step.canSkip))) return this.next(port, proven, signIn);
    if (input.kind === 'skip') throw new ApiError(422, 'skip_unavailable', 'This step cannot be skipped.');
    throw new ApiError(422, 'input_mismatch', `A "${input.kind}" input does not answer a "${step.kind}" step.`);
  }

  /**
   * Seed 002: a user who closes the onboarding is still signed in and lands on the return path. Not
   * past a part the tenant made mandatory (a required password, MFA set-up it requires): closing
   * there ends the sign-in, as cancelling any other step does. Undefined when closing is refused.
   */
  async close(port: FlowPort, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord | undefined> {
    const { record } = port;
    const proven = record.state.adapter['proven'] as ProvenUser | undefined;
    if (!proven?.onboarding) return undefined;
    const step = record.step;
    const closable = step.kind === 'profile' || (step.kind === 'password-setup' && step.optional) || (step.kind === 'mfa-setup' && step.canSkip === true);
    if (!closable || (await this.#mandatoryAhead(record.row.tenant_id, proven))) return undefined;
    return signIn({ ...proven, onboarding: [] });
  }

  /** Whether a part still to come may not be left out: a required password, or MFA the tenant or its onboarding requires. */
  async #mandatoryAhead(tenantId: string, proven: ProvenUser): Promise<boolean> {
    const { db } = this.deps;
    const settings = await onboardingSettings(db, tenantId);
    const tenant = await db.selectFrom('tenants').select('require_mfa').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const user = await db.selectFrom('users').select(['has_password', 'mfa_enabled']).where('id', '=', proven.userId).executeTakeFirstOrThrow();
    return (proven.onboarding ?? []).some((stage) => {
      if (stage === 'password') return settings.password === 'required' && user.has_password !== 1;
      if (stage === 'mfa') return user.mfa_enabled !== 1 && (settings.mfa === 'required' || tenant.require_mfa === 1);
      return false;
    });
  }

  async #saveProfile(port: FlowPort, step: StepOf<'profile'>, proven: ProvenUser, values: Record<string, string>, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const { record } = port;
    // The fields the step showed, even if the tenant changed its settings since.
    const wanted = step.fields.map((field) => ({ name: field.name as ProfileFieldName, required: field.required }));
    const checked = checkProfile(wanted, values);
    if ('errors' in checked) {
      const fields = step.fields.map((field) => ({ ...field, ...(values[field.name] !== undefined ? { value: values[field.name] } : {}) }));
      const { errors, errorKeys } = fieldErrors(checked.errors);
      return port.commit({ step: { ...step, id: newStepId(), fields, errors, i18n: { errors: errorKeys } }, state: record.state });
    }
    await this.deps.db.updateTable('users').set({ ...checked.changes, updated_at: this.deps.clock() }).where('id', '=', proven.userId).where('tenant_id', '=', record.row.tenant_id).execute();
    return this.next(port, proven, signIn);
  }

  async #setPassword(port: FlowPort, step: StepOf<'password-setup'>, proven: ProvenUser, password: string, signIn: (proven: ProvenUser) => Promise<FlowRecord>): Promise<FlowRecord> {
    const { record } = port;
    try {
      await this.deps.passwords.setPassword(record.row.tenant_id, proven.userId, password, this.deps.clock());
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'password_rejected') throw error;
      return port.commit({ step: { ...step, id: newStepId(), error: error.message, ...(error.i18n ? { i18n: { error: error.i18n } } : {}) }, state: record.state });
    }
    return this.next(port, proven, signIn);
  }

  /** The first part left that still applies (a password set meanwhile drops its part), with the rest in its state. */
  async #firstDue(db: Db, options: { tenantId: string; proven: ProvenUser; appName: string; attemptsUsed: number }): Promise<OnboardingPlan | 'locked' | undefined> {
    const [stage, ...rest] = options.proven.onboarding ?? [];
    if (!stage) return undefined;
    const proven: ProvenUser = { ...options.proven, onboarding: rest };
    const plan = await this.#stepFor(db, stage, { ...options, proven });
    return plan ?? this.#firstDue(db, { ...options, proven });
  }

  async #stepFor(db: Db, stage: OnboardingStage, options: { tenantId: string; proven: ProvenUser; appName: string; attemptsUsed: number }): Promise<OnboardingPlan | 'locked' | undefined> {
    const { tenantId, proven, appName } = options;
    const settings = await onboardingSettings(db, tenantId);
    const user = await db.selectFrom('users').selectAll().where('id', '=', proven.userId).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!user) return undefined;
    const state = { adapter: { proven } };
    switch (stage) {
      case 'profile': {
        if (settings.profile.length === 0) return undefined;
        const step: Step = { kind: 'profile', id: newStepId(), appName, fields: profileFields(settings.profile, user) };
        return { step, state };
      }
      case 'password': {
        if (user.has_password === 1 || settings.password === 'off') return undefined;
        const step: Step = { kind: 'password-setup', id: newStepId(), appName, username: user.email, minLength: PASSWORD_LENGTH.min, optional: settings.password === 'optional' };
        return { step, state };
      }
      case 'mfa': {
        const mode: OnboardingMode = settings.mfa === 'off' ? 'required' : settings.mfa;
        return this.deps.mfa.plan(db, { ...options, setUp: mode });
      }
    }
  }

  async #appName(record: FlowRecord): Promise<string> {
    const client = await this.deps.db
      .selectFrom('signin_requests')
      .innerJoin('oauth_clients', 'oauth_clients.id', 'signin_requests.client_id')
      .select('oauth_clients.name')
      .where('signin_requests.link_id', '=', record.link.id)
      .executeTakeFirst();
    return client?.name ?? '';
  }
}
