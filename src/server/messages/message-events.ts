import type { Kysely, Transaction } from 'kysely';
import type { AgentId, MessageWebhookEvent } from '../../protocol/index.js';
import { newId } from '../security/tokens.js';
import type { Database, MessageTable } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';

/**
 * Queues a message event for the tenant's webhook URL in the caller's transaction, so the event
 * exists exactly when the change it reports does. Answers whether one was queued (the caller kicks the worker).
 */
export async function queueMessageEvent(
  trx: Transaction<Database> | Kysely<Database>,
  options: { message: MessageTable; now: number; status: MessageWebhookEvent['status']; reason?: string; clientId?: string },
): Promise<boolean> {
  const { message } = options;
  const tenant = await trx.selectFrom('tenants').select('webhook_url').where('id', '=', message.tenant_id).executeTakeFirst();
  if (!tenant?.webhook_url) return false;
  const event: MessageWebhookEvent = {
    status: options.status,
    event_id: newId(),
    occurred_at: new Date(options.now).toISOString(),
    message_id: message.id,
    user_id: message.user_id,
    agent_id: JSON.parse(message.agent_id) as AgentId,
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    ...(options.clientId !== undefined ? { client_id: options.clientId } : {}),
  };
  await enqueueWebhook(trx, { tenantId: message.tenant_id, url: tenant.webhook_url, now: options.now, event });
  return true;
}
