import type { Kysely } from 'kysely';
import type { Brand, FailureCode, Flow, OpenFlowResponse, Step, StepInput, StepInputKind, StepKind } from '../../protocol/index.js';
import { credentialErrors } from '../../protocol/index.js';
import { linkServedHere } from '../brands.js';
import { ApiError } from '../errors.js';
import { keyedError } from '../i18n/words.js';
import type { AdapterContext, AdapterOutcome, ConnectedAccount, ProviderEntry } from '../providers/adapter.js';
import type { ProviderCatalogue } from '../providers/catalogue.js';
import type { RateLimits } from '../security/rate-limits.js';
import type { Sealer } from '../security/sealer.js';
import { newId, newToken, sha256 } from '../security/tokens.js';
import type { Store } from '../store/database.js';
import { runReused } from '../store/reused-query.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import type { Database, FlowTable, LinkTable } from '../store/schema.js';
import type { FlowObserver } from './flow-observer.js';
import type { SignInSteps } from './sign-in-steps.js';
import { consumeCallback, findCallback, registerCallback, type CallbackKind, type CallbackSecret } from './callbacks.js';
import { decodeFlow, failureStep, flowView, newFlowRecord, type FlowRecord } from './flow-record.js';
import { ACCEPTED_INPUTS, credentialTextKeys, newStepId, QR_RENEW_BEFORE_MS, RETRYABLE, type Change, type Extra } from './step-rules.js';
import { FAILURE_MESSAGES } from './messages.js';
import { refuseExpiredLink } from './link-expiry.js';
import { challengeBudget, mfaSubjectKey, spendAttempt } from './mfa-attempts.js';
import { failureChange, retryOfferChange, successChange } from './outcome-changes.js';

export interface FlowEngineOptions {
  store: Store;
  sealer: Sealer;
  catalogue: ProviderCatalogue;
  /** The brand a tenant's flows wear (its white-label brand, or Keyway's). */
  brandFor: (tenantId: string) => Promise<Brand>;
  publicUrl: string;
  /** Wrong MFA codes are limited per client address and per account, besides each flow's own budget. */
  limits: RateLimits;
  /** The sign-in half's steps (confirm, email code), for links of type `signin`. */
  signIn: SignInSteps;
  clock?: () => number;
  /** Called after a commit that queued a webhook, so delivery need not wait for the next poll. */
  onWebhookQueued?: () => void;
  /** Told of flows opened, steps answered and outcomes (the metrics). */
  observer?: FlowObserver;
  /** How long an opened flow may take. */
  flowTtlMs?: number;
  /** How long after expiry a flow token may still read the outcome. */
  readGraceMs?: number;
  log?: (line: string) => void;
}

/** Drives flows: persists each step, asks adapters what comes next, and records outcomes with their webhooks. */
export class FlowEngine {
  readonly #options: FlowEngineOptions;
  readonly #clock: () => number;

  constructor(options: FlowEngineOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  get #flowTtlMs(): number {
    return this.#options.flowTtlMs ?? 30 * 60 * 1000;
  }

  /** Exchanges a single-use link token for a flow token and the first step. */
  /** `host` is the request's Host header: a link opens on Keyway's domain or its own tenant's, not another tenant's. */
  async open(linkToken: string, host: string | undefined): Promise<OpenFlowResponse> {
    const { db } = this.#options.store;
    const now = this.#clock();
    const link = await db.selectFrom('links').selectAll().where('token_hash', '=', sha256(linkToken)).executeTakeFirst();
    if (!link || !(await linkServedHere(db, host, this.#options.publicUrl, link.tenant_id))) throw new ApiError(404, 'link_not_found', 'This link is not valid.');
    if (link.used_at !== null) throw new ApiError(409, 'link_used', 'This link has already been used. Ask the app for a new one.');
    if (now >= link.expires_at) return refuseExpiredLink(db, link, now, this.#options.onWebhookQueued);
    if (link.type === 'signin') return this.#openSignIn(link, now);
    const token = newToken();
    const record = newFlowRecord(this.#options.sealer, link, token, this.#providersStep(JSON.parse(link.providers_json) as '*' | string[]), 'active', now, this.#flowTtlMs);
    await db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('links').set({ used_at: now }).where('id', '=', link.id).where('used_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new ApiError(409, 'link_used', 'This link has already been used. Ask the app for a new one.');
      await trx.insertInto('flows').values(record.row).execute();
    });
    this.#options.observer?.opened(link.type);
    return { token, flow: await this.#view(record) };
  }

  /**
   * A sign-in link is used up by the user's confirmation, not by opening it: a link preview that
   * runs the page opens the flow, and the next opening takes the flow over under a new token.
   */
  async #openSignIn(link: LinkTable, now: number): Promise<OpenFlowResponse> {
    const { db } = this.#options.store;
    const token = newToken();
    const taken = await db.updateTable('flows').set({ token_hash: sha256(token), updated_at: now }).where('link_id', '=', link.id).returningAll().executeTakeFirst();
    if (taken) return { token, flow: await this.#view(decodeFlow(taken, link, this.#options.sealer)) };
    const first = await this.#options.signIn.firstStep(link);
    const step: Step = typeof first === 'string' ? failureStep(link, null, first, newStepId()) : first;
    const record = newFlowRecord(this.#options.sealer, link, token, step, typeof first === 'string' ? 'failed' : 'active', now, this.#flowTtlMs);
    try {
      await db.insertInto('flows').values(record.row).execute();
    } catch (error) {
      // Opened twice at once: the other opening created the flow; take it over.
      if (await db.selectFrom('flows').select('id').where('link_id', '=', link.id).executeTakeFirst()) return this.#openSignIn(link, now);
      throw error;
    }
    this.#options.observer?.opened(link.type);
    return { token, flow: await this.#view(record) };
  }

  /**
   * A user token (seed 002) posted by the sign-in page's script: the user is signed in at once and the
   * flow starts at its end, the redirect to the app with a code, unless MFA is owed first (then the flow
   * opens on it, with its challenge). A refused token opens nothing.
   */
  async openWithUserToken(userToken: string, options: { host: string | undefined; returnTo?: string; openOnboarding?: boolean }): Promise<OpenFlowResponse> {
    const now = this.#clock();
    const token = newToken();
    const record = await this.#options.store.db.transaction().execute(async (trx) => {
      const signedIn = await this.#options.signIn.signInWithUserToken(trx, userToken, { now, ...options });
      // Thrown, so the transaction rolls back: a refused token is not used up.
      if ('refusal' in signedIn) throw signedIn.refusal;
      const opened = newFlowRecord(this.#options.sealer, signedIn.link, token, signedIn.step, signedIn.step.kind === 'signed-in' ? 'succeeded' : 'active', now, this.#flowTtlMs, signedIn.state);
      await trx.insertInto('flows').values(opened.row).execute();
      if (signedIn.challenge) await trx.insertInto('challenges').values({ ...signedIn.challenge, flow_id: opened.row.id, attempts: 0, created_at: now }).execute();
      return opened;
    });
    this.#options.onWebhookQueued?.();
    this.#options.observer?.opened(record.link.type);
    if (record.row.status === 'succeeded') this.#options.observer?.ended({ type: record.link.type, provider: null, status: 'succeeded' });
    return { token, flow: await this.#view(record) };
  }

  async current(flowToken: string): Promise<Flow> {
    return this.#view(await this.#load(flowToken));
  }

  /** The flow's row version: a cheap read that tells watchers whether anything changed. */
  async version(flowId: string): Promise<number | undefined> {
    const row = await this.#options.store.db.selectFrom('flows').select('version').where('id', '=', flowId).executeTakeFirst();
    return row?.version;
  }

  /** `client.address` keys the limits on wrong codes. */
  async submit(flowToken: string, input: StepInput, client: { address: string } = { address: 'unknown' }): Promise<Flow> {
    const record = await this.#load(flowToken);
    if (record.row.status === 'expired') throw new ApiError(410, 'flow_expired', 'This flow has expired.');
    if (record.row.status !== 'active') throw new ApiError(409, 'flow_finished', 'This flow has already ended.');
    if (input.stepId !== record.step.id) throw new ApiError(409, 'step_mismatch', 'This step was already answered or replaced; load the current step.');
    if (!ACCEPTED_INPUTS[record.step.kind].includes(input.kind)) {
      throw keyedError(422, 'input_mismatch', ['error.input_mismatch', { input: input.kind, step: record.step.kind }]);
    }
    const applied = await this.#apply(record, input, client.address);
    this.#options.observer?.answered(record.step.kind, this.#clock() - record.row.updated_at);
    return this.#view(applied);
  }

  async #apply(record: FlowRecord, input: StepInput, address: string): Promise<FlowRecord> {
    if (record.link.type === 'signin' && input.kind !== 'providers') {
      const port = { record, commit: (change: Change, extra?: Extra) => this.#commit(record, change, extra), fail: (reason: FailureCode) => this.#fail(record, reason) };
      if (input.kind !== 'cancel') return this.#options.signIn.apply(port, input, address);
      const closed = await this.#options.signIn.closeOnboarding(port);
      if (closed) return closed;
    }
    switch (input.kind) {
      case 'cancel':
        // Giving up after a retryable failure ends the flow for that failure's reason.
        return this.#fail(record, record.step.kind === 'failure' ? record.step.reason : 'user_cancelled');
      case 'back':
        return this.#commit(record, { step: this.#providersStep(this.#linkProviders(record)), state: { adapter: {} }, provider: null });
      case 'providers': {
        const entry = this.#options.catalogue.allowed(this.#linkProviders(record)).find((candidate) => candidate.summary.id === input.provider);
        if (!entry) throw keyedError(422, 'unknown_provider', ['error.unknown_provider', { provider: input.provider }]);
        const chosen: FlowRecord = { ...record, row: { ...record.row, provider: entry.summary.id }, state: { adapter: {} } };
        return this.#outcome(chosen, entry, await this.#call(entry, () => entry.adapter.start(this.#context(chosen, entry))));
      }
      case 'credentials': {
        const entry = this.#entry(record);
        if (record.step.kind !== 'credentials') throw keyedError(422, 'input_mismatch', ['error.input_mismatch', { input: input.kind, step: record.step.kind }]);
        const errors = credentialErrors(record.step.fields, input.values);
        const unknown = Object.keys(errors).filter((name) => errors[name] === 'unknown_field');
        if (unknown.length > 0) throw keyedError(422, 'invalid_request', ['error.unknown_fields', { fields: unknown.join(', ') }]);
        if (Object.keys(errors).length > 0) return this.#retry(record, { type: 'retry', errors });
        return this.#outcome(record, entry, await this.#call(entry, () => entry.adapter.submit(this.#context(record, entry), input)));
      }
      case 'mfa':
        return this.#answerChallenge(record, input, address);
      case 'confirm':
      case 'recovery':
      case 'acknowledge':
      case 'profile':
      case 'password':
      case 'skip':
        throw keyedError(422, 'input_mismatch', ['error.signin_input_only', { input: input.kind }]);
      case 'resend': {
        if (record.step.kind !== 'mfa' || !record.step.canResend) throw keyedError(422, 'resend_unavailable', 'error.resend_unavailable');
        const entry = this.#entry(record);
        return this.#outcome(record, entry, await this.#call(entry, () => entry.adapter.submit(this.#context(record, entry), input)));
      }
    }
  }

  /**
   * Every code costs an attempt of its challenge and of its flow, counted in the database before
   * the code is checked; wrong ones also count against the client's address and the account.
   */
  async #answerChallenge(record: FlowRecord, input: Extract<StepInput, { kind: 'mfa' }>, address: string): Promise<FlowRecord> {
    const entry = this.#entry(record);
    const { challengeId, mfaSubject } = record.state;
    if (!challengeId) throw new ApiError(409, 'step_mismatch', 'There is no open code challenge.');
    const { limits } = this.#options;
    await limits.check('mfa_code_failures', address);
    if (mfaSubject) await limits.check('mfa_account_failures', mfaSubject);
    const spent = await spendAttempt(this.#options.store.db, { flowId: record.row.id, challengeId });
    if (!spent) return this.#fail(record, 'mfa_locked');
    const outcome = await this.#call(entry, () => entry.adapter.submit(this.#context(record, entry), input));
    if (outcome.type !== 'retry') return this.#outcome(record, entry, outcome);
    await limits.count('mfa_code_failures', address);
    if (mfaSubject) await limits.count('mfa_account_failures', mfaSubject);
    if (spent.left <= 0 || record.step.kind !== 'mfa') return this.#fail(record, 'mfa_locked');
    return this.#commit(record, { step: { ...record.step, id: newStepId(), attemptsLeft: spent.left, error: 'invalid_code' }, state: record.state });
  }

  async #outcome(record: FlowRecord, entry: ProviderEntry, outcome: AdapterOutcome): Promise<FlowRecord> {
    switch (outcome.type) {
      case 'retry':
        return this.#retry(record, outcome);
      case 'failed':
        return RETRYABLE.has(outcome.reason) ? this.#offerRetry(record, outcome.reason) : this.#fail(record, outcome.reason);
      case 'connected':
        return this.#succeed(record, outcome.account);
      case 'step': {
        const provider = entry.summary.id;
        if (outcome.step.kind !== 'mfa') {
          return this.#commit(record, { step: { ...outcome.step, id: newStepId() }, state: { adapter: outcome.state }, provider });
        }
        const { maxAttempts, subject, ...draft } = outcome.step;
        const attempts = challengeBudget(maxAttempts, record.row.mfa_attempts);
        if (attempts === 0) return this.#fail(record, 'mfa_locked');
        const challengeId = newId();
        const createChallenge: Extra = async (trx) => {
          await trx.insertInto('challenges').values({ id: challengeId, flow_id: record.row.id, attempts: 0, max_attempts: attempts, created_at: this.#clock() }).execute();
        };
        const mfaSubject = subject === undefined ? undefined : mfaSubjectKey(record.row.tenant_id, provider, subject);
        return this.#commit(
          record,
          { step: { ...draft, id: newStepId(), attemptsLeft: attempts }, state: { adapter: outcome.state, challengeId, ...(mfaSubject ? { mfaSubject } : {}) }, provider },
          createChallenge,
        );
      }
    }
  }

  /** Stays on the same kind of step with the adapter's errors, under a new step id. */
  #retry(record: FlowRecord, outcome: Extract<AdapterOutcome, { type: 'retry' }>): Promise<FlowRecord> {
    const state = outcome.state ? { ...record.state, adapter: outcome.state } : record.state;
    const step: Step = record.step.kind === 'credentials' ? { ...record.step, id: newStepId(), errors: outcome.errors ?? {}, ...credentialTextKeys(record.step, outcome.errorKeys) } : { ...record.step, id: newStepId() };
    return this.#commit(record, { step, state });
  }

  #succeed(record: FlowRecord, account: ConnectedAccount): Promise<FlowRecord> {
    const { change, extra } = successChange(record, account, { sealer: this.#options.sealer, now: this.#clock() });
    return this.#commit(record, change, extra);
  }

  #offerRetry(record: FlowRecord, reason: FailureCode): Promise<FlowRecord> {
    return this.#commit(record, retryOfferChange(record, reason).change);
  }

  #fail(record: FlowRecord, reason: FailureCode): Promise<FlowRecord> {
    const { change, extra } = failureChange(record, reason, this.#clock);
    return this.#commit(record, change, extra);
  }

  /** Optimistic concurrency: the update applies only to the version that was read. */
  async #commit(record: FlowRecord, change: Change, extra?: Extra): Promise<FlowRecord> {
    const now = this.#clock();
    let step = typeof change.step === 'function' ? undefined : change.step;
    const row: FlowTable = {
      ...record.row,
      sealed_step: '',
      sealed_state: this.#options.sealer.sealJson(change.state),
      status: change.status ?? record.row.status,
      provider: change.provider === undefined ? record.row.provider : change.provider,
      account_id: change.accountId ?? record.row.account_id,
      version: record.row.version + 1,
      updated_at: now,
    };
    let queued = false;
    await this.#options.store.db.transaction().execute(async (trx) => {
      step = typeof change.step === 'function' ? await change.step(trx) : change.step;
      row.sealed_step = this.#options.sealer.sealJson(step);
      const changes = { sealed_step: row.sealed_step, sealed_state: row.sealed_state, status: row.status, provider: row.provider, account_id: row.account_id, version: row.version, updated_at: now };
      const inTransaction: Kysely<Database> = trx;
      const result = await runReused(inTransaction, 'flow step commit', { ...changes, id: row.id, readVersion: record.row.version }, (handle, p) =>
        handle
          .updateTable('flows')
          .set({ sealed_step: p.sealed_step, sealed_state: p.sealed_state, status: p.status, provider: p.provider, account_id: p.account_id, version: p.version, updated_at: p.updated_at })
          .where('id', '=', p.id)
          .where('version', '=', p.readVersion),
      );
      if (Number(result.numAffectedRows) !== 1) throw new ApiError(409, 'step_mismatch', 'This step was already answered; load the current step.');
      if (extra) await extra(trx);
      queued = Boolean(extra && record.link.notify_url && row.status !== 'active');
    });
    // Committed: other instances' waiting streams hear of it at once (PostgreSQL).
    this.#options.store.changeFeed?.announce(row.id);
    if (queued) this.#options.onWebhookQueued?.();
    if (record.row.status === 'active' && row.status !== 'active') {
      const reason = (step as Step).kind === 'failure' ? (step as Extract<Step, { kind: 'failure' }>).reason : undefined;
      this.#options.observer?.ended({ type: record.link.type, provider: row.provider, status: row.status, ...(reason ? { reason } : {}) });
    }
    return { ...record, row, step: step as Step, state: change.state };
  }

  async #load(flowToken: string): Promise<FlowRecord> {
    const { db } = this.#options.store;
    const row = (await runReused(db, 'flow by token', { tokenHash: sha256(flowToken) }, (handle, p) => handle.selectFrom('flows').selectAll().where('token_hash', '=', p.tokenHash))).rows[0];
    if (!row) throw new ApiError(401, 'invalid_token', 'The flow token is not valid.');
    if (this.#clock() > row.expires_at + (this.#options.readGraceMs ?? 60 * 60 * 1000)) throw new ApiError(401, 'token_expired', 'The flow token has expired.');
    return this.#settleRow(row);
  }

  /** Reads a flow and brings it up to date: expired flows fail, QR codes about to expire are replaced. */
  async #settle(flowId: string): Promise<FlowRecord> {
    return this.#settleRow(await this.#options.store.db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirstOrThrow());
  }

  /** `#settle` for a row just read (by its token), so a step reads it once. */
  async #settleRow(row: FlowTable): Promise<FlowRecord> {
    const { db } = this.#options.store;
    const flowId = row.id;
    const link = (await runReused(db, 'link by id', { id: row.link_id }, (handle, p) => handle.selectFrom('links').selectAll().where('id', '=', p.id))).rows[0];
    if (!link) throw new Error(`flow ${flowId} has no link`);
    const record = decodeFlow(row, link, this.#options.sealer);
    const now = this.#clock();
    if (row.status !== 'active') return record;
    try {
      if (now >= row.expires_at) return await this.#fail(record, 'link_expired');
      const entry = row.provider ? this.#options.catalogue.get(row.provider) : undefined;
      if (record.step.kind === 'qr' && entry?.adapter.refresh && now >= Date.parse(record.step.expiresAt) - QR_RENEW_BEFORE_MS) {
        const refresh = entry.adapter.refresh.bind(entry.adapter);
        return await this.#outcome(record, entry, await this.#call(entry, () => refresh(this.#context(record, entry))));
      }
      return record;
    } catch (error) {
      // Another request changed it first; read its result.
      if (error instanceof ApiError && error.code === 'step_mismatch') return this.#settle(flowId);
      throw error;
    }
  }

  /** What a phone's confirm page shows before the user confirms. */
  async describeCallback(kind: CallbackKind, secret: CallbackSecret): Promise<{ providerName: string; brandName: string }> {
    const callback = await findCallback(this.#options.store.db, kind, secret, this.#clock());
    const record = await this.#settle(callback.flow_id);
    const entry = this.#activeCallbackEntry(record, kind);
    return { providerName: entry.summary.name, brandName: (await this.#options.brandFor(record.row.tenant_id)).name };
  }

  /** Something outside the wizard answered: the adapter decides what the flow does next. */
  async completeCallback(kind: CallbackKind, secret: CallbackSecret, payload: Record<string, string>): Promise<Flow> {
    const { db } = this.#options.store;
    const callback = await findCallback(db, kind, secret, this.#clock());
    const record = await this.#settle(callback.flow_id);
    const entry = this.#activeCallbackEntry(record, kind);
    const handle = entry.adapter.callback?.bind(entry.adapter);
    if (!handle) throw new ApiError(409, 'flow_moved_on', 'This connection is no longer waiting for you.');
    await consumeCallback(db, callback, this.#clock());
    return this.#view(await this.#outcome(record, entry, await this.#call(entry, () => handle(this.#context(record, entry), payload))));
  }

  #activeCallbackEntry(record: FlowRecord, kind: CallbackKind): ProviderEntry {
    const waiting = kind === 'pairing' ? 'qr' : 'oauth';
    if (record.row.status !== 'active' || record.step.kind !== waiting) throw new ApiError(409, 'flow_moved_on', 'This connection is no longer waiting for you.');
    return this.#entry(record);
  }

  async #call(entry: ProviderEntry, action: () => Promise<AdapterOutcome>): Promise<AdapterOutcome> {
    try {
      return await action();
    } catch (error) {
      // The outage is Keyway's, not the provider's: a 503 the wizard retries, not a failure step.
      if (isDatabaseUnavailable(error)) throw error;
      (this.#options.log ?? console.error)(`[keyway] provider ${entry.summary.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      return { type: 'failed', reason: 'provider_error', message: FAILURE_MESSAGES.provider_error };
    }
  }

  #entry(record: FlowRecord): ProviderEntry {
    const entry = record.row.provider ? this.#options.catalogue.get(record.row.provider) : undefined;
    if (!entry) throw new ApiError(409, 'provider_unavailable', 'The chosen provider is no longer offered.');
    return entry;
  }

  #context(record: FlowRecord, entry: ProviderEntry): AdapterContext {
    const { db } = this.#options.store;
    const flowId = record.row.id;
    return {
      flowId,
      tenantId: record.row.tenant_id,
      provider: entry,
      state: record.state.adapter,
      now: this.#clock(),
      publicUrl: this.#options.publicUrl,
      callbacks: { register: (options) => registerCallback(db, { ...options, flowId, now: this.#clock() }) },
    };
  }

  #linkProviders(record: FlowRecord): '*' | string[] {
    return JSON.parse(record.link.providers_json) as '*' | string[];
  }

  #providersStep(filter: '*' | string[]): Step {
    return { kind: 'providers', id: newStepId(), providers: this.#options.catalogue.allowed(filter).map((entry) => entry.summary) };
  }

  async #view(record: FlowRecord): Promise<Flow> {
    return flowView(record, await this.#options.brandFor(record.row.tenant_id), this.#options.catalogue);
  }
}
