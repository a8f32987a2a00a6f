import type { Kysely, Transaction } from 'kysely';
import type { WebhookEvent } from '../../protocol/index.js';
import { ApiError } from '../errors.js';
import { startPoller, type Poller } from '../jobs/poller.js';
import { newId } from '../security/tokens.js';
import type { Store } from '../store/database.js';
import type { Database, LinkTable } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';
import { redirectTarget } from './flow-record.js';
import { FAILURE_MESSAGES } from './messages.js';

function expiredEvent(link: LinkTable, now: number): WebhookEvent {
  return {
    status: link.type === 'reconnect' ? 'RECONNECT_FAILED' : 'CREATION_FAILED',
    account_id: null,
    name: link.name,
    event_id: newId(),
    provider: null,
    occurred_at: new Date(now).toISOString(),
    reason: 'link_expired',
  };
}

/**
 * Reports that a link expired, at most once however often and on however many instances it is
 * opened: the first to mark the link queues the webhook in the same transaction.
 */
async function reportExpiry(trx: Transaction<Database>, link: LinkTable, now: number): Promise<boolean> {
  const marked = await trx.updateTable('links').set({ expiry_reported_at: now }).where('id', '=', link.id).where('expiry_reported_at', 'is', null).executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1 || !link.notify_url) return false;
  await enqueueWebhook(trx, { tenantId: link.tenant_id, url: link.notify_url, now, event: expiredEvent(link, now) });
  return true;
}

async function reportInTransaction(db: Kysely<Database>, link: LinkTable, now: number): Promise<boolean> {
  return db.transaction().execute((trx) => reportExpiry(trx, link, now));
}

/** A link opened after its `expiresOn`: the host hears of it once, and the user is told where to get a new one. */
export async function refuseExpiredLink(db: Kysely<Database>, link: LinkTable, now: number, onWebhookQueued?: () => void): Promise<never> {
  if (await reportInTransaction(db, link, now)) onWebhookQueued?.();
  const redirectUrl = redirectTarget(link.failure_redirect_url, { reason: 'link_expired' });
  throw new ApiError(410, 'link_expired', FAILURE_MESSAGES.link_expired, {
    hostOrigins: JSON.parse(link.origins_json) as string[],
    ...(redirectUrl ? { redirectUrl } : {}),
    ...(link.new_link_url ? { newLinkUrl: link.new_link_url } : {}),
  });
}

/** Finds links whose host asked to hear when they expire unopened (`notify_on_expiry`) and reports each once. */
export function startLinkExpiryWorker(options: { store: Store; clock?: () => number; pollMs?: number; onWebhookQueued?: () => void; log?: (line: string) => void }): Poller {
  const clock = options.clock ?? Date.now;
  const { db } = options.store;
  async function pass(): Promise<number> {
    const now = clock();
    const due = await db
      .selectFrom('links')
      .selectAll()
      .where('notify_on_expiry', '=', 1)
      .where('expiry_reported_at', 'is', null)
      .where('expires_at', '<=', now)
      .where('used_at', 'is', null)
      .limit(100)
      .execute();
    let reported = 0;
    for (const link of due) if (await reportInTransaction(db, link, now)) reported += 1;
    if (reported > 0) options.onWebhookQueued?.();
    return due.length;
  }
  return startPoller({ pass, pollMs: options.pollMs ?? 5000, name: 'link expiry', log: options.log ?? ((line) => console.log(line)) });
}
