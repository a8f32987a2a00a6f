import type { Store } from '../store/database.js';
import { startPoller, type Poller } from './poller.js';

/** `KEYWAY_OUTBOX_RETENTION_DAYS` when unset: long enough to redeliver or audit last month's events. */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 30;
/** Rows deleted per statement, so a first pass over a large backlog never holds a long lock. */
const BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes webhook deliveries and mails that were delivered or given up more than the retention
 * ago, so the outboxes do not grow for ever. Rows still pending are never touched, however old:
 * they are work, not history. Every instance may run it; deleting a row twice deletes nothing.
 */
export function startOutboxRetention(options: { store: Store; clock: () => number; retentionDays: number; pollMs?: number; log?: (line: string) => void }): Poller {
  const { db } = options.store;
  /** Up to a batch of the table's rows finished (done or given up) before the cutoff. */
  const deleteFinished = async (table: 'webhook_outbox' | 'mail_outbox', doneColumn: 'delivered_at' | 'sent_at', cutoff: number): Promise<number> => {
    const result = await db
      .deleteFrom(table)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom(table)
          .select('id')
          .where((row) => row.or([row(doneColumn, '<', cutoff), row('failed_at', '<', cutoff)]))
          .limit(BATCH),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };
  const pass = async (): Promise<number> => {
    const cutoff = options.clock() - options.retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const removed = (await deleteFinished('webhook_outbox', 'delivered_at', cutoff)) + (await deleteFinished('mail_outbox', 'sent_at', cutoff));
      deleted += removed;
      if (removed < BATCH) return deleted;
    }
  };
  return startPoller({ pass, pollMs: options.pollMs ?? 60 * 60 * 1000, name: 'outbox retention', log: options.log ?? ((line) => console.log(line)) });
}
