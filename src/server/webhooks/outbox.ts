import type { Kysely, Transaction } from 'kysely';
import type { WebhookEvent } from '../../protocol/index.js';
import { newId } from '../security/tokens.js';
import type { Database, OutboxTable } from '../store/schema.js';
import type { Store } from '../store/database.js';

/** Written in the same transaction as the state change it reports, so neither exists without the other. */
export async function enqueueWebhook(
  trx: Transaction<Database> | Kysely<Database>,
  options: { tenantId: string; url: string; event: WebhookEvent; now: number },
): Promise<void> {
  await trx
    .insertInto('webhook_outbox')
    .values({
      id: newId(),
      tenant_id: options.tenantId,
      event_id: options.event.event_id,
      url: options.url,
      body: JSON.stringify(options.event),
      attempts: 0,
      next_attempt_at: options.now,
      locked_until: null,
      delivered_at: null,
      failed_at: null,
      last_error: null,
      created_at: options.now,
    })
    .execute();
}

/**
 * Leases due rows to this worker until `leaseMs` passes. A crashed worker's lease lapses and the row
 * is delivered again (at-least-once); receivers dedupe on `event_id`.
 */
export async function claimDueWebhooks(store: Store, now: number, options: { limit: number; leaseMs: number }): Promise<OutboxTable[]> {
  return store.db.transaction().execute(async (trx) => {
    const due = store.skipLocked(
      trx
        .selectFrom('webhook_outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(options.limit),
    );
    const ids = (await due.execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('webhook_outbox')
      .set((eb) => ({ locked_until: now + options.leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

export async function markDelivered(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('webhook_outbox').set({ delivered_at: now, locked_until: null, last_error: null }).where('id', '=', id).execute();
}

export async function markAttemptFailed(
  db: Kysely<Database>,
  row: OutboxTable,
  options: { now: number; error: string; nextAttemptAt: number | null },
): Promise<void> {
  await db
    .updateTable('webhook_outbox')
    .set({
      locked_until: null,
      last_error: options.error.slice(0, 500),
      ...(options.nextAttemptAt === null ? { failed_at: options.now } : { next_attempt_at: options.nextAttemptAt }),
    })
    .where('id', '=', row.id)
    .execute();
}
