import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface OutboxFigures {
  pending: number;
  delivered: number;
  failed: number;
  /** Attempts beyond each row's first, over all rows: how much retrying the receivers caused. */
  retries: number;
  /** Age of the oldest row still to be sent, in seconds; 0 when none waits. */
  oldestPendingSeconds: number;
}

/**
 * One aggregate over an outbox table, read at scrape time: the outbox is shared by every instance,
 * so these figures are the deployment's, the same from whichever instance is scraped.
 */
export async function outboxFigures(db: Kysely<Database>, table: 'webhook_outbox' | 'mail_outbox', now: number): Promise<OutboxFigures> {
  const doneColumn = table === 'webhook_outbox' ? 'delivered_at' : 'sent_at';
  const done = sql.ref(doneColumn);
  const row = await db
    .selectFrom(table)
    .select([
      sql<string>`coalesce(sum(case when ${done} is null and failed_at is null then 1 else 0 end), 0)`.as('pending'),
      sql<string>`coalesce(sum(case when ${done} is not null then 1 else 0 end), 0)`.as('delivered'),
      sql<string>`coalesce(sum(case when failed_at is not null then 1 else 0 end), 0)`.as('failed'),
      sql<string>`coalesce(sum(case when attempts > 1 then attempts - 1 else 0 end), 0)`.as('retries'),
      sql<string | null>`min(case when ${done} is null and failed_at is null then created_at end)`.as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  const oldest = row.oldest === null ? null : Number(row.oldest);
  return {
    pending: Number(row.pending),
    delivered: Number(row.delivered),
    failed: Number(row.failed),
    retries: Number(row.retries),
    oldestPendingSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1000),
  };
}
