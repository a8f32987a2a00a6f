import type { Brand, FailureCode, Flow, Step, WebhookEvent } from '../../protocol/index.js';
import { failureMessage } from './messages.js';
import type { ProviderCatalogue } from '../providers/catalogue.js';
import { newId, sha256 } from '../security/tokens.js';
import type { AdapterState } from '../providers/adapter.js';
import type { Sealer } from '../security/sealer.js';
import type { FlowTable, LinkTable } from '../store/schema.js';

/** What the engine keeps between steps, sealed in `flows.sealed_state`. */
export interface FlowState {
  adapter: AdapterState;
  challengeId?: string;
  /** The account the open challenge is for, as a limit key (see mfaSubjectKey). */
  mfaSubject?: string;
}

/** A flow row with its link, decoded. */
export interface FlowRecord {
  row: FlowTable;
  link: LinkTable;
  step: Step;
  state: FlowState;
}

export function decodeFlow(row: FlowTable, link: LinkTable, sealer: Sealer): FlowRecord {
  // Steps written before they were sealed (migration 0005) are plain JSON.
  const step = row.sealed_step.startsWith('{') ? (JSON.parse(row.sealed_step) as Step) : sealer.openJson<Step>(row.sealed_step);
  return { row, link, step, state: sealer.openJson<FlowState>(row.sealed_state) };
}

/** The flow as the widget sees it, with the provider's display name and "step n of m" from its adapter's plan. */
export function flowView(record: FlowRecord, brand: Brand, catalogue: ProviderCatalogue): Flow {
  const flow = baseView(record, brand);
  const step = flow.step;
  if (step.kind === 'providers') {
    const allowed = catalogue.allowed(JSON.parse(record.link.providers_json) as '*' | string[]);
    return { ...flow, progress: { step: 1, of: 1 + Math.max(0, ...allowed.map((entry) => entry.adapter.plan.length)) } };
  }
  const entry = 'provider' in step && step.provider ? catalogue.get(step.provider) : undefined;
  if (!entry) return flow;
  const position = entry.adapter.plan.indexOf(step.kind);
  const progress = position >= 0 ? { progress: { step: 2 + position, of: 1 + entry.adapter.plan.length } } : {};
  const nameKey = entry.summary.i18n?.name;
  const i18n = nameKey ? { i18n: { ...('i18n' in step ? step.i18n : {}), providerName: nameKey } } : {};
  return { ...flow, ...progress, step: { ...step, providerName: entry.summary.name, ...i18n } as Step };
}

export interface FlowOutcomeEvent {
  status: 'CREATION_SUCCESS' | 'RECONNECTED' | 'CREATION_FAILED' | 'RECONNECT_FAILED';
  accountId?: string;
  reason?: FailureCode;
}

/** The webhook body for a flow's outcome. */
export function outcomeEvent(record: FlowRecord, outcome: FlowOutcomeEvent, now: number): WebhookEvent {
  return {
    status: outcome.status,
    account_id: outcome.accountId ?? null,
    name: record.link.name,
    event_id: newId(),
    provider: record.row.provider,
    occurred_at: new Date(now).toISOString(),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

function baseView(record: FlowRecord, brand: Brand): Flow {
  const { row, link } = record;
  return {
    id: row.id,
    type: link.type,
    status: row.status,
    expiresAt: new Date(row.expires_at).toISOString(),
    brand,
    ...(link.locale ? { locale: link.locale } : {}),
    hostOrigins: JSON.parse(link.origins_json) as string[],
    step: record.step,
  };
}

/** The host's redirect target with Keyway's outcome appended; undefined when the link set none. */
export function redirectTarget(base: string | null, params: Record<string, string>): string | undefined {
  if (!base) return undefined;
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** A new flow on a link, under `token` (stored only as its digest), starting at `step`. */
export function newFlowRecord(sealer: Sealer, link: LinkTable, token: string, step: Step, status: FlowTable['status'], now: number, ttlMs: number, state: FlowState = { adapter: {} }): FlowRecord {
  const row: FlowTable = {
    id: newId(),
    tenant_id: link.tenant_id,
    link_id: link.id,
    token_hash: sha256(token),
    status,
    sealed_step: sealer.sealJson(step),
    sealed_state: sealer.sealJson(state),
    provider: null,
    account_id: null,
    version: 1,
    mfa_attempts: 0,
    expires_at: now + ttlMs,
    created_at: now,
    updated_at: now,
  };
  return { row, link, step, state };
}

/** A failure that ends the flow, with the host's failure redirect and, for an expired link, its new-link page. */
export function failureStep(link: LinkTable, provider: string | null, reason: FailureCode, id: string): Step {
  const redirectUrl = redirectTarget(link.failure_redirect_url, { reason });
  return {
    kind: 'failure',
    id,
    reason,
    ...failureMessage(reason),
    retryable: false,
    ...(provider ? { provider } : {}),
    ...(redirectUrl ? { redirectUrl } : {}),
    ...(reason === 'link_expired' && link.new_link_url ? { newLinkUrl: link.new_link_url } : {}),
  };
}
