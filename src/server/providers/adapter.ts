import type { CallbackKind, RegisteredCallback } from '../flows/callbacks.js';
import type { FailureCode, MessageRef, ProviderSummary, StepInput, StepKind, StepOf } from '../../protocol/index.js';

/** Adapter-private state, kept encrypted in the flow row between steps. */
export type AdapterState = Record<string, unknown>;

/** A step as an adapter describes it; the engine assigns ids and attempt counts. */
export type StepDraft =
  | Omit<StepOf<'credentials'>, 'id'>
  | Omit<StepOf<'qr'>, 'id'>
  | Omit<StepOf<'oauth'>, 'id'>
  | (Omit<StepOf<'mfa'>, 'id' | 'attemptsLeft' | 'error'> & {
      maxAttempts: number;
      /** The account the code is for (a user name), so wrong codes are limited per account across flows. */
      subject?: string;
    });

/** What an adapter answers; the engine persists it and decides what the user sees. */
export type AdapterOutcome =
  | { type: 'step'; step: StepDraft; state: AdapterState }
  /** Stay on the current step: field errors for credentials, a wrong code for MFA. */
  | { type: 'retry'; errors?: Record<string, string>; errorKeys?: Record<string, MessageRef>; state?: AdapterState }
  | { type: 'connected'; account: ConnectedAccount }
  | { type: 'failed'; reason: FailureCode; message: string };

export interface ConnectedAccount {
  /** The provider's own id for the account, when it has one. */
  externalId?: string;
  /** Credentials and tokens; encrypted before they are stored, never returned. */
  secrets: Record<string, unknown>;
  /** When the access token expires (epoch ms), so it can be renewed in time. */
  expiresAt?: number;
}

/** What renewing an account's tokens gave. */
export type RenewalOutcome =
  | { type: 'renewed'; secrets: Record<string, unknown>; expiresAt?: number }
  /** The provider refused the stored credentials: the user must reconnect. */
  | { type: 'credentials' };

export interface AdapterContext {
  flowId: string;
  tenantId: string;
  provider: ProviderEntry;
  state: AdapterState;
  now: number;
  publicUrl: string;
  /** One-time secrets that let something outside the wizard (a phone, an OAuth redirect) answer this flow. */
  callbacks: {
    register(options: { kind: CallbackKind; ttlMs: number; withCode: boolean }): Promise<RegisteredCallback>;
  };
}

export type AdapterInput = Extract<StepInput, { kind: 'credentials' | 'mfa' | 'resend' }>;

/** A protocol binding (oauth2, imap, password-grant, qr-pairing, …). It knows nothing of flows or storage. */
export interface ProviderAdapter {
  /** The kinds of step this adapter shows, in order (e.g. credentials then mfa); drives "step n of m". */
  readonly plan: readonly StepKind[];
  /** The first step once the user has chosen this provider. */
  start(context: AdapterContext): Promise<AdapterOutcome>;
  /** The user's answer to a step this adapter produced. */
  submit(context: AdapterContext, input: AdapterInput): Promise<AdapterOutcome>;
  /** The current QR step is about to expire: answer with its replacement. */
  refresh?(context: AdapterContext): Promise<AdapterOutcome>;
  /** Renews the tokens of an account this adapter connected; throws for temporary errors (retried later). */
  renew?(secrets: Record<string, unknown>, now: number): Promise<RenewalOutcome>;
  /** A callback this adapter registered was answered (a phone confirmed, an OAuth redirect came back). */
  callback?(context: AdapterContext, payload: Record<string, string>): Promise<AdapterOutcome>;
}

/** A catalogue entry: what the user sees, bound to the adapter that does the work. */
export interface ProviderEntry {
  summary: ProviderSummary;
  adapter: ProviderAdapter;
}
