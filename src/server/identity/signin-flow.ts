import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Brand, FailureCode, Step, StepInput } from '../../protocol/index.js';
import { credentialErrors } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { fieldErrors, keyedError, texts } from '../i18n/words.js';
import type { FlowRecord, FlowState } from '../flows/flow-record.js';
import { challengeBudget, mfaSubjectKey } from '../flows/mfa-attempts.js';
import type { FlowPort, SignInSteps, UserTokenOpening } from '../flows/sign-in-steps.js';
import { newStepId, type Change, type Extra } from '../flows/step-rules.js';
import { issueAuthorizationCode } from '../oauth2/authorization-codes.js';
import type { RateLimits } from '../security/rate-limits.js';
import type { Sealer } from '../security/sealer.js';
import { newId, safeEqual, sha256 } from '../security/tokens.js';
import type { Database, LinkTable, SignInRequestTable } from '../store/schema.js';
import { emailKey } from './users.js';
import { queueIdentityEvent } from './events.js';
import { clientGrantTypes, defaultClient, resolveRedirectUri } from './clients.js';
import { createSignInLink, useUpRelatedLinks, type SignInLinkRequest } from './signin-links.js';
import { consumeUserToken } from './user-tokens.js';
import { claimTokenOfLink } from '../messages/message-signin-links.js';
import { linkServedHere } from '../brands.js';
import { answerWithBudget, SignInMfa, type MfaPlan, type ProvenUser } from './signin-mfa.js';
import { Onboarding } from './onboarding.js';
import type { PasswordSignIn } from './password-sign-in.js';

/** Codes and magic links sent by mail last this long. */
export const EMAIL_CODE_TTL_MS = 10 * 60 * 1000;
/** Codes one email sign-in may send, the first included. */
const MAX_CODES_SENT = 3;
const EMAIL_CODE_ATTEMPTS = 5;

/** What the engine lends the sign-in steps: commits under its optimistic lock, and failures with their reporting. */
/** Sends the sign-in mail inside the flow's commit, so the mail exists exactly when the step that announces it does. */
export interface SignInMail {
  send(trx: Transaction<Database>, mail: { tenantId: string; brand: Brand; to: string; appName: string; code: string; magicLink: string; now: number }): Promise<void>;
}

/** The email code in flight, sealed in the flow state: its digest, and whom it signs in (null for an unknown address). */
interface EmailCodeState {
  codeHash: string;
  userId: string | null;
  email: string;
  expiresAt: number;
  sent: number;
}

/** The code in flight lives in the flow's sealed state, in the slot adapters use for theirs. */
function pendingCode(record: FlowRecord): EmailCodeState | undefined {
  return record.state.adapter['emailCode'] as EmailCodeState | undefined;
}

/** What the wizard shows for a refused user token: the link errors it already knows, and why. */
const USER_TOKEN_REFUSALS = {
  token_invalid: new ApiError(404, 'link_not_found', 'This sign-in link is not valid.'),
  token_used: new ApiError(409, 'link_used', 'This sign-in link has already been used. Ask the app for a new one.'),
  token_expired: new ApiError(410, 'link_expired', 'This sign-in link has expired. Ask the app for a new one.'),
  user_inactive: new ApiError(409, 'user_inactive', 'This account is not active, so it cannot sign in.'),
  client_required: new ApiError(409, 'client_required', 'The app has no single OAuth client with one redirect URI to sign in to.'),
} as const;

/** j•••@example.com: enough for the user to recognise, too little to harvest from a shared screen. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

async function requestOf(db: Kysely<Database> | Transaction<Database>, linkId: string): Promise<SignInRequestTable> {
  return db.selectFrom('signin_requests').selectAll().where('link_id', '=', linkId).executeTakeFirstOrThrow();
}

const EMAIL_FIELD = { name: 'email', ...texts({ label: 'field.email.label' }), type: 'email' as const, required: true, autocomplete: 'email', maxLength: 254 };

/**
 * The sign-in half's steps on the shared engine: a login URL's confirm button, or an email code
 * for an authorization request, ending with a one-time authorization code in the redirect.
 */
export class SignInFlow implements SignInSteps {
  readonly #mfa: SignInMfa;
  readonly #onboarding: Onboarding;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      sealer: Sealer;
      clock: () => number;
      issuer: string;
      limits: RateLimits;
      /** Sets the password an onboarding asks for. */
      passwords: PasswordSignIn;
      mail: SignInMail;
      newLink: NewMagicLink;
      /** Read before the commit: on SQLite a query outside the transaction would wait for it forever. */
      brandFor: (tenantId: string) => Promise<Brand>;
      /** After a commit that queued a mail, so it goes out at once rather than at the next poll. */
      onMailQueued?: () => void;
      onWebhookQueued?: () => void;
    },
  ) {
    this.#mfa = new SignInMfa(deps);
    this.#onboarding = new Onboarding({ db: deps.db, clock: deps.clock, passwords: deps.passwords, mfa: this.#mfa });
  }

  /** What a sign-in link shows first; a failure when the user or the app can no longer sign in. */
  async firstStep(link: LinkTable): Promise<Step | FailureCode> {
    const { db } = this.deps;
    const request = await requestOf(db, link.id);
    const client = await db.selectFrom('oauth_clients').select(['name', 'revoked_at']).where('id', '=', request.client_id).executeTakeFirst();
    if (!client || client.revoked_at !== null) return 'access_denied';
    if (request.method === 'email_code') {
      const hint = request.login_hint && /^[^\s@]+@[^\s@]+$/.test(request.login_hint) ? { value: request.login_hint } : {};
      return { kind: 'credentials', id: newStepId(), appName: client.name, fields: [{ ...EMAIL_FIELD, ...hint }] };
    }
    const user = request.user_id ? await this.#activeUser(db, link.tenant_id, request.user_id) : undefined;
    if (!user) return 'user_inactive';
    return { kind: 'confirm', id: newStepId(), email: maskEmail(user.email), appName: client.name };
  }

  async apply(port: FlowPort, input: Exclude<StepInput, { kind: 'providers' | 'cancel' }>, address: string): Promise<FlowRecord> {
    switch (input.kind) {
      case 'confirm': {
        const request = await requestOf(this.deps.db, port.record.link.id);
        if (request.method === 'message_token') return this.#confirmMessageToken(port, request);
        return this.#proceed(port, request.user_id, request.method);
      }
      case 'credentials':
        return this.#sendCode(port, input.values);
      case 'resend': {
        const pending = pendingCode(port.record);
        if (!pending || pending.sent >= MAX_CODES_SENT) throw keyedError(422, 'resend_unavailable', 'signin.error.no_more_codes');
        return this.#sendCode(port, { email: pending.email }, pending.sent);
      }
      case 'mfa':
        if (pendingCode(port.record)) return this.#checkCode(port, input.code, address);
        return this.#mfa.answer(port, input, address, this.#afterMfa(port));
      case 'recovery':
        return this.#mfa.answer(port, input, address, this.#afterMfa(port));
      case 'acknowledge':
        return this.#mfa.acknowledge(port, this.#afterMfa(port));
      case 'profile':
      case 'password':
      case 'skip':
        return this.#onboarding.answer(port, input, this.#completion(port));
      case 'back': {
        const first = await this.firstStep(port.record.link);
        if (typeof first === 'string') return port.fail(first);
        return port.commit({ step: first, state: { adapter: {} } });
      }
    }
  }

  /** Cancel on an onboarding step: the sign-in completes without the parts left, when the tenant allows it (see Onboarding.close). */
  closeOnboarding(port: FlowPort): Promise<FlowRecord | undefined> {
    return this.#onboarding.close(port, this.#completion(port));
  }

  /**
   * Sends a code (and a magic link) to the address, if it belongs to an active user. The answer is
   * the same step either way, so the step does not tell who has an account.
   */
  async #sendCode(port: FlowPort, values: Record<string, string>, alreadySent = 0): Promise<FlowRecord> {
    const { record } = port;
    const errors = credentialErrors([EMAIL_FIELD], values);
    if (Object.keys(errors).some((name) => errors[name] === 'unknown_field')) throw keyedError(422, 'invalid_request', 'signin.error.only_email');
    if (Object.keys(errors).length > 0 && record.step.kind === 'credentials') {
      const { errors, errorKeys } = fieldErrors({ email: 'signin.error.email_invalid' });
      return port.commit({ step: { ...record.step, id: newStepId(), errors, i18n: { errors: errorKeys } }, state: record.state });
    }
    const email = (values['email'] ?? '').trim();
    const { db, clock } = this.deps;
    const now = clock();
    const user = await db.selectFrom('users').select(['id', 'status']).where('tenant_id', '=', record.row.tenant_id).where('email_key', '=', emailKey(email)).executeTakeFirst();
    const userId = user?.status === 'ACTIVE' ? user.id : null;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const attempts = challengeBudget(EMAIL_CODE_ATTEMPTS, record.row.mfa_attempts);
    if (attempts === 0) return port.fail('mfa_locked');
    const challengeId = newId();
    const emailCode: EmailCodeState = { codeHash: sha256(`${record.row.id}:${code}`), userId, email, expiresAt: now + EMAIL_CODE_TTL_MS, sent: alreadySent + 1 };
    const state: FlowState = { adapter: { emailCode }, challengeId, mfaSubject: mfaSubjectKey(record.row.tenant_id, 'EMAIL', email) };
    const request = await requestOf(db, record.link.id);
    const client = await db.selectFrom('oauth_clients').select('name').where('id', '=', request.client_id).executeTakeFirstOrThrow();
    const brand = await this.deps.brandFor(record.row.tenant_id);
    const mailAndChallenge: Extra = async (trx) => {
      await trx.insertInto('challenges').values({ id: challengeId, flow_id: record.row.id, attempts: 0, max_attempts: attempts, created_at: now }).execute();
      if (userId === null) return;
      const magicLink = await this.deps.newLink(trx, { link: record.link, request, userId, expiresAt: emailCode.expiresAt, now });
      await this.deps.mail.send(trx, { tenantId: record.row.tenant_id, brand, to: email, appName: client.name, code, magicLink, now });
    };
    const step: Step = { kind: 'mfa', id: newStepId(), method: 'email', length: 6, canResend: emailCode.sent < MAX_CODES_SENT, attemptsLeft: attempts, hint: maskEmail(email) };
    const committed = await port.commit({ step, state }, mailAndChallenge);
    if (userId !== null) this.deps.onMailQueued?.();
    return committed;
  }

  /** A typed code costs an attempt of the flow's budget and counts against the address and the account, as MFA codes do. */
  #checkCode(port: FlowPort, code: string, address: string): Promise<FlowRecord> {
    const pending = pendingCode(port.record);
    if (!pending) throw new ApiError(409, 'step_mismatch', 'There is no code to check.');
    const right = async () => safeEqual(sha256(`${port.record.row.id}:${code}`), pending.codeHash) && this.deps.clock() < pending.expiresAt && pending.userId !== null;
    return answerWithBudget(this.deps, port, address, right, () => this.#proceed(port, pending.userId, 'email_code'));
  }

  /** MFA passed: the onboarding's parts still to show come next, then the sign-in. */
  #afterMfa(port: FlowPort): (proven: ProvenUser) => Promise<FlowRecord> {
    return (proven) => this.#onboarding.next(port, proven, this.#completion(port));
  }

  #completion(port: FlowPort): (proven: ProvenUser) => Promise<FlowRecord> {
    return (proven) => this.#signIn(port, proven.userId, proven.method, proven.mfaPassed === true, proven.returnTo);
  }

  /** A message's link: the confirmation claims the message's token (seed 000), then MFA or the code follow as for any link. */
  async #confirmMessageToken(port: FlowPort, request: SignInRequestTable): Promise<FlowRecord> {
    const claimed = await claimTokenOfLink(this.deps.db, { linkId: port.record.link.id, clientId: request.client_id, now: this.deps.clock() });
    if (!claimed) return port.fail('access_denied');
    if ('failure' in claimed) return port.fail(claimed.failure);
    if (claimed.eventQueued) this.deps.onWebhookQueued?.();
    return this.#proceed(port, claimed.userId, 'message_token');
  }

  /** The user has shown who they are; MFA, when they have it or the tenant requires it, comes before the code. */
  async #proceed(port: FlowPort, userId: string | null, method: ProvenUser['method']): Promise<FlowRecord> {
    if (userId !== null) {
      const request = await requestOf(this.deps.db, port.record.link.id);
      const client = await this.deps.db.selectFrom('oauth_clients').select('name').where('id', '=', request.client_id).executeTakeFirst();
      const due = await this.#mfa.due(port, { userId, method }, client?.name ?? '');
      if (due) return due;
    }
    return this.#signIn(port, userId, method, false);
  }

  /** The link is used up (once, whatever races it), the user must still be active, and the app gets a code in the redirect. */
  async #signIn(port: FlowPort, userId: string | null, method: SignInRequestTable['method'], mfaValidated: boolean, returnTo?: string): Promise<FlowRecord> {
    const { record } = port;
    let refused: FailureCode | undefined;
    const signedIn = async (trx: Transaction<Database>): Promise<Step> => {
      const now = this.deps.clock();
      const claimed = await trx.updateTable('links').set({ used_at: now }).where('id', '=', record.link.id).where('used_at', 'is', null).executeTakeFirst();
      refused = Number(claimed.numUpdatedRows) !== 1 ? 'link_used' : undefined;
      const request = await requestOf(trx, record.link.id);
      if (!refused) await useUpRelatedLinks(trx, request, now);
      const user = !refused && userId ? await this.#activeUser(trx, record.link.tenant_id, userId) : undefined;
      if (!refused && !user) refused = 'user_inactive';
      const client = await trx.selectFrom('oauth_clients').select(['name', 'revoked_at']).where('id', '=', request.client_id).executeTakeFirst();
      if (!refused && (!client || client.revoked_at !== null)) refused = 'access_denied';
      if (refused || !user || !client) throw new ApiError(409, 'sign_in_refused', 'The sign-in was refused.');
      const code = await issueAuthorizationCode(trx, {
        tenantId: record.link.tenant_id,
        clientId: request.client_id,
        userId: user.id,
        redirectUri: request.redirect_uri,
        scope: request.scope,
        nonce: request.nonce,
        codeChallenge: request.code_challenge,
        codeChallengeMethod: request.code_challenge_method,
        authMethod: method,
        authTime: now,
        mfaValidated,
        now,
      });
      eventQueued = await queueIdentityEvent(trx, { tenantId: record.link.tenant_id, now, event: { status: 'USER_SIGNED_IN', user_id: user.id, client_id: request.client_id, method } });
      return { kind: 'signed-in', id: newStepId(), appName: client.name, redirectUrl: this.#codeRedirect(request, code, returnTo) };
    };
    let eventQueued = false;
    try {
      const committed = await port.commit({ step: signedIn, state: { adapter: {} }, status: 'succeeded' });
      if (eventQueued) this.deps.onWebhookQueued?.();
      return committed;
    } catch (error) {
      if (refused) return port.fail(refused);
      throw error;
    }
  }

  /**
   * A user token (seed 002) that the page's script posted: it is used up and the user signed in at
   * once, for the tenant's only client and its only redirect URI. `returnTo` (an internal path, checked
   * by the protocol) goes with the code as `return_to`, for the app to land there.
   */
  async signInWithUserToken(
    trx: Transaction<Database>,
    token: string,
    options: { now: number; host: string | undefined; returnTo?: string; openOnboarding?: boolean },
  ): Promise<UserTokenOpening> {
    const { now } = options;
    const subject = await consumeUserToken(trx, { issuer: this.deps.issuer }, token, now);
    if ('failure' in subject) return { refusal: USER_TOKEN_REFUSALS[subject.failure] };
    // Like a link: on Keyway's domain or its own tenant's, never on another tenant's.
    if (!(await linkServedHere(trx, options.host, this.deps.issuer, subject.tenantId))) return { refusal: USER_TOKEN_REFUSALS.token_invalid };
    const client = await defaultClient(trx, subject.tenantId);
    const resolved = client ? resolveRedirectUri(client, undefined) : undefined;
    if (!client || !resolved || !('uri' in resolved) || !clientGrantTypes(client).includes('authorization_code')) return { refusal: USER_TOKEN_REFUSALS.client_required };
    const request: SignInLinkRequest = {
      client_id: client.id,
      redirect_uri: resolved.uri,
      scope: 'openid',
      state: null,
      nonce: null,
      code_challenge: null,
      code_challenge_method: null,
      user_id: subject.userId,
      login_hint: null,
      method: 'user_token',
      parent_link_id: null,
    };
    const { linkId } = await createSignInLink(trx, { tenantId: subject.tenantId, publicUrl: this.deps.issuer, now, expiresAt: now + 60_000, request });
    const stages = options.openOnboarding ? await this.#onboarding.stages(trx, subject.tenantId, subject.userId) : [];
    const proven: ProvenUser = {
      userId: subject.userId,
      method: 'user_token',
      ...(options.returnTo !== undefined ? { returnTo: options.returnTo } : {}),
      ...(stages.length > 0 ? { onboarding: stages } : {}),
    };
    // Onboarding or MFA owed: the flow opens on it, and the link is used up by the sign-in that follows.
    const owed = { tenantId: subject.tenantId, proven, appName: client.name };
    const mfa = (await this.#onboarding.opening(trx, owed)) ?? (await this.#mfa.plan(trx, { ...owed, attemptsUsed: 0 }));
    const linkRow = () => trx.selectFrom('links').selectAll().where('id', '=', linkId).executeTakeFirstOrThrow();
    if (mfa && mfa !== 'locked') return { link: await linkRow(), ...mfa };
    await trx.updateTable('links').set({ used_at: now }).where('id', '=', linkId).execute();
    const link = await linkRow();
    const code = await issueAuthorizationCode(trx, {
      tenantId: subject.tenantId,
      clientId: client.id,
      userId: subject.userId,
      redirectUri: request.redirect_uri,
      scope: request.scope,
      nonce: null,
      codeChallenge: null,
      codeChallengeMethod: null,
      authMethod: 'user_token',
      authTime: now,
      now,
    });
    await queueIdentityEvent(trx, { tenantId: subject.tenantId, now, event: { status: 'USER_SIGNED_IN', user_id: subject.userId, client_id: client.id, method: 'user_token' } });
    const redirectUrl = this.#codeRedirect({ ...request, link_id: linkId }, code, options.returnTo);
    return { link, step: { kind: 'signed-in', id: newStepId(), appName: client.name, redirectUrl } };
  }

  /** The redirect URI with the code, the app's state and the issuer (RFC 9207), keeping the URI's own query. */
  #codeRedirect(request: SignInRequestTable, code: string, returnTo?: string): string {
    const url = new URL(request.redirect_uri);
    url.searchParams.set('code', code);
    if (request.state !== null) url.searchParams.set('state', request.state);
    url.searchParams.set('iss', this.deps.issuer);
    if (returnTo !== undefined) url.searchParams.set('return_to', returnTo);
    return url.href;
  }

  async #activeUser(db: Kysely<Database> | Transaction<Database>, tenantId: string, userId: string) {
    const user = await db.selectFrom('users').select(['id', 'email', 'status']).where('id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
    return user?.status === 'ACTIVE' ? user : undefined;
  }
}

/** Makes the magic link of an email sign-in: a login URL for the same request, whose GET only draws a confirm step. */
export type NewMagicLink = (
  trx: Transaction<Database>,
  options: { link: LinkTable; request: SignInRequestTable; userId: string; expiresAt: number; now: number },
) => Promise<string>;
