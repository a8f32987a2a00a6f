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
  const pass = async (): Promise<number> => {
    const cutoff = options.clock() - options.retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const webhooks = await db
        .deleteFrom('webhook_outbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_outbox')
            .select('id')
            .where((row) => row.or([row('delivered_at', '<', cutoff), row('failed_at', '<', cutoff)]))
            .limit(BATCH),
        )
        .executeTakeFirst();
      const mails = await db
        .deleteFrom('mail_outbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('mail_outbox')
            .select('id')
            .where((row) => row.or([row('sent_at', '<', cutoff), row('failed_at', '<', cutoff)]))
            .limit(BATCH),
        )
        .executeTakeFirst();
      const removed = Number(webhooks.numDeletedRows) + Number(mails.numDeletedRows);
      deleted += removed;
      if (removed < BATCH) return deleted;
    }
  };
  return startPoller({ pass, pollMs: options.pollMs ?? 60 * 60 * 1000, name: 'outbox retention', log: options.log ?? ((line) => console.log(line)) });
}
