import type { MailSettleHook } from './mailer.js';
import { queueMessageEvent } from './message-events.js';

/**
 * The mail worker's hook for `message` mail: the message becomes `sent` or `failed` with the outbox
 * row, and MESSAGE_SENT or MESSAGE_FAILED is queued in the same transaction. A message already
 * settled (a lapsed lease sent its mail twice) changes no more and reports nothing new.
 */
export function messageDelivery(options: { onWebhookQueued?: () => void }): MailSettleHook {
  return async (trx, { row, outcome, reason, now }) => {
    const changes = outcome === 'sent' ? { status: 'sent' as const, sent_at: now, updated_at: now } : { status: 'failed' as const, failure_reason: (reason ?? 'the mail could not be sent').slice(0, 500), updated_at: now };
    const message = await trx
      .updateTable('messages')
      .set(changes)
      .where('mail_id', '=', row.id)
      .where('tenant_id', '=', row.tenant_id)
      .where('status', 'in', ['scheduled', 'queued'])
      .returningAll()
      .executeTakeFirst();
    if (!message) return;
    const queued = await queueMessageEvent(trx, {
      message,
      now,
      status: outcome === 'sent' ? 'MESSAGE_SENT' : 'MESSAGE_FAILED',
      ...(outcome === 'failed' && message.failure_reason !== null ? { reason: message.failure_reason } : {}),
    });
    return queued && options.onWebhookQueued ? { afterCommit: options.onWebhookQueued } : undefined;
  };
}
