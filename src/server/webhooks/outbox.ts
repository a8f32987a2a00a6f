import type { Kysely, Transaction } from 'kysely';
import type { IdentityWebhookEvent, MessageWebhookEvent, WebhookEvent } from '../../protocol/index.js';
import { newId } from '../security/tokens.js';
import type { Database, OutboxTable } from '../store/schema.js';
import type { Store } from '../store/database.js';

/** The receiver a URL reaches (lower-case origin), the unit of per-receiver concurrency. */
export function destinationOf(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

/** Written in the same transaction as the state change it reports, so neither exists without the other. */
export async function enqueueWebhook(
  trx: Transaction<Database> | Kysely<Database>,
  options: { tenantId: string; url: string; event: WebhookEvent | IdentityWebhookEvent | MessageWebhookEvent; now: number },
): Promise<void> {
  await trx
    .insertInto('webhook_outbox')
    .values({
      id: newId(),
      tenant_id: options.tenantId,
      event_id: options.event.event_id,
      url: options.url,
      destination: destinationOf(options.url),
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

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** Receivers this worker is already sending to as much as it may; their rows stay unclaimed. */
  busy: readonly string[];
  /** How many more rows this worker may take for a receiver. */
  roomFor: (destination: string) => number;
}

/**
 * Leases due rows to this worker until `leaseMs` passes. A crashed worker's lease lapses and the row
 * is delivered again (at-least-once); receivers dedupe on `event_id`. Rows past a receiver's room
 * are left for later; `more` says so, since a second claim without that receiver may find others.
 */
export async function claimDueWebhooks(store: Store, now: number, options: ClaimOptions): Promise<{ rows: OutboxTable[]; more: boolean }> {
  return store.db.transaction().execute(async (trx) => {
    const due = store.skipLocked(
      trx
        .selectFrom('webhook_outbox')
        .select(['id', 'destination'])
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .$if(options.busy.length > 0, (query) => query.where('destination', 'not in', options.busy))
        .orderBy('next_attempt_at')
        .limit(options.limit),
    );
    const taken = new Map<string, number>();
    const ids: string[] = [];
    let more = false;
    for (const row of await due.execute()) {
      const count = taken.get(row.destination) ?? 0;
      if (count >= options.roomFor(row.destination)) {
        more = true;
        continue;
      }
      taken.set(row.destination, count + 1);
      ids.push(row.id);
    }
    if (ids.length === 0) return { rows: [], more: false };
    const rows = await trx
      .updateTable('webhook_outbox')
      .set((eb) => ({ locked_until: now + options.leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return { rows, more };
  });
}

/**
 * Gives back a row whose delivery this worker interrupted (it is stopping), so another instance can
 * take it at once instead of after the lease. Only while the lease is still this worker's.
 */
export async function releaseWebhookLease(db: Kysely<Database>, row: OutboxTable, reason: string): Promise<void> {
  await db
    .updateTable('webhook_outbox')
    .set({ locked_until: null, last_error: reason })
    .where('id', '=', row.id)
    .where('locked_until', '=', row.locked_until)
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
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
