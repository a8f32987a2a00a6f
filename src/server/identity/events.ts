import type { Kysely, Transaction } from 'kysely';
import type { IdentityWebhookEvent } from '../../protocol/index.js';
import { newId } from '../security/tokens.js';
import type { Database } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';

/**
 * Queues a sign-in event for the tenant's webhook URL, in the caller's transaction, so the event
 * exists exactly when what it reports does. Answers whether one was queued (the caller kicks the worker).
 */
export async function queueIdentityEvent(
  trx: Transaction<Database> | Kysely<Database>,
  options: { tenantId: string; now: number; event: Omit<IdentityWebhookEvent, 'event_id' | 'occurred_at'> },
): Promise<boolean> {
  const tenant = await trx.selectFrom('tenants').select('webhook_url').where('id', '=', options.tenantId).executeTakeFirst();
  if (!tenant?.webhook_url) return false;
  const event: IdentityWebhookEvent = { ...options.event, event_id: newId(), occurred_at: new Date(options.now).toISOString() };
  await enqueueWebhook(trx, { tenantId: options.tenantId, url: tenant.webhook_url, now: options.now, event });
  return true;
}
