import type { Transaction } from 'kysely';
import type { FailureCode, Step } from '../../protocol/index.js';
import { saveConnectedAccount } from '../accounts/save-account.js';
import type { ConnectedAccount } from '../providers/adapter.js';
import type { Sealer } from '../security/sealer.js';
import { newId } from '../security/tokens.js';
import type { Database } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';
import { failureStep, outcomeEvent, redirectTarget, type FlowOutcomeEvent, type FlowRecord } from './flow-record.js';
import { failureMessage } from './messages.js';
import { newStepId, type Change, type Extra } from './step-rules.js';

/** How a flow ends or pauses, as the change the engine commits and what goes with it in the same transaction. */
export interface OutcomeChange {
  change: Change;
  extra?: Extra;
}

/** The link's webhook for an outcome, queued in the transaction that records it. */
export async function notifyOutcome(trx: Transaction<Database>, record: FlowRecord, outcome: FlowOutcomeEvent, now: number): Promise<void> {
  if (!record.link.notify_url) return;
  await enqueueWebhook(trx, { tenantId: record.row.tenant_id, url: record.link.notify_url, now, event: outcomeEvent(record, outcome, now) });
}

/** The account stored (or its reconnection updated) with its webhook, and the success step. */
export function successChange(record: FlowRecord, account: ConnectedAccount, options: { sealer: Sealer; now: number }): OutcomeChange {
  const { link, row } = record;
  const { now } = options;
  const provider = row.provider ?? '';
  const reconnect = link.type === 'reconnect' && link.reconnect_account !== null;
  const accountId = reconnect ? (link.reconnect_account as string) : newId();
  const extra: Extra = async (trx) => {
    await saveConnectedAccount(trx, options.sealer, { accountId, reconnect, tenantId: row.tenant_id, provider, link, account, now });
    await notifyOutcome(trx, record, { status: reconnect ? 'RECONNECTED' : 'CREATION_SUCCESS', accountId }, now);
  };
  const redirectUrl = redirectTarget(link.success_redirect_url, { account_id: accountId });
  const step: Step = { kind: 'success', id: newStepId(), provider, accountId, ...(redirectUrl ? { redirectUrl } : {}) };
  return { change: { step, state: { adapter: {} }, status: 'succeeded', accountId }, extra };
}

/** A failure the user can recover from: shown as a failure step, but the flow stays open and nothing is reported yet. */
export function retryOfferChange(record: FlowRecord, reason: FailureCode): OutcomeChange {
  const provider = record.row.provider;
  const step: Step = { kind: 'failure', id: newStepId(), reason, ...failureMessage(reason), retryable: true, ...(provider ? { provider } : {}) };
  return { change: { step, state: { adapter: {} } } };
}

/** The flow ends for `reason` (expired for `link_expired`), reported to the link's webhook. */
export function failureChange(record: FlowRecord, reason: FailureCode, now: () => number): OutcomeChange {
  const { link, row } = record;
  const step = failureStep(link, row.provider, reason, newStepId());
  const status = reason === 'link_expired' ? 'expired' : 'failed';
  const extra: Extra = (trx) => notifyOutcome(trx, record, { status: link.type === 'reconnect' ? 'RECONNECT_FAILED' : 'CREATION_FAILED', reason }, now());
  return { change: { step, state: { adapter: {} }, status }, extra };
}
