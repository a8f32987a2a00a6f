import { parseArgs } from 'node:util';
import { isoOrDash, printTable, usageProblem, withStore } from './common.js';

export const WEBHOOKS_USAGE = `  keyway webhooks list [--tenant NAME] [--status pending|delivered|failed] [--limit N]
                                              recent webhook deliveries, newest first (default 20)
  keyway webhooks redeliver EVENT_ID          send an event again (its Keyway-Event-Id), delivered or given up`;

const STATUSES = ['pending', 'delivered', 'failed'] as const;
type DeliveryStatus = (typeof STATUSES)[number];

export async function listWebhooks(args: string[], usage: string): Promise<number> {
  const problem = (message: string) => usageProblem('webhooks list', usage, message);
  let values;
  try {
    ({ values } = parseArgs({ args, options: { tenant: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string', default: '20' } } }));
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem('--limit must be a whole number from 1 to 1000');
  const status = values.status as DeliveryStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) return problem(`--status must be one of ${STATUSES.join(', ')}`);
  return withStore(async (store) => {
    let query = store.db
      .selectFrom('webhook_outbox')
      .innerJoin('tenants', 'tenants.id', 'webhook_outbox.tenant_id')
      .select(['webhook_outbox.event_id', 'webhook_outbox.url', 'webhook_outbox.attempts', 'webhook_outbox.created_at', 'webhook_outbox.delivered_at', 'webhook_outbox.failed_at', 'webhook_outbox.last_error', 'tenants.name as tenant'])
      .orderBy('webhook_outbox.created_at', 'desc')
      .limit(limit);
    if (values.tenant) query = query.where('tenants.name', '=', values.tenant);
    if (status === 'delivered') query = query.where('webhook_outbox.delivered_at', 'is not', null);
    if (status === 'failed') query = query.where('webhook_outbox.failed_at', 'is not', null);
    if (status === 'pending') query = query.where('webhook_outbox.delivered_at', 'is', null).where('webhook_outbox.failed_at', 'is', null);
    const rows = await query.execute();
    if (rows.length === 0) {
      console.log('No webhook deliveries.');
      return 0;
    }
    printTable(
      ['EVENT', 'TENANT', 'STATUS', 'ATTEMPTS', 'CREATED', 'URL', 'LAST ERROR'],
      rows.map((row) => [
        row.event_id,
        row.tenant,
        row.delivered_at !== null ? 'delivered' : row.failed_at !== null ? 'failed' : 'pending',
        String(row.attempts),
        isoOrDash(row.created_at),
        row.url,
        row.last_error ?? '-',
      ]),
    );
    return 0;
  });
}

/**
 * Puts an event back in the outbox as new: a running instance's worker sends it within its poll
 * interval, signed with a fresh timestamp. The receiver sees the same event id again, as after a retry.
 */
export async function redeliverWebhook(args: string[], usage: string): Promise<number> {
  const [eventId, ...extra] = args;
  if (!eventId || extra.length > 0) return usageProblem('webhooks redeliver', usage, 'give exactly one EVENT_ID (see keyway webhooks list)');
  return withStore(async (store) => {
    const now = Date.now();
    const updated = await store.db
      .updateTable('webhook_outbox')
      .set({ attempts: 0, next_attempt_at: now, locked_until: null, delivered_at: null, failed_at: null, last_error: null })
      .where('event_id', '=', eventId)
      // One being sent right now finishes first: a second copy in flight would only race it.
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      const exists = await store.db.selectFrom('webhook_outbox').select('id').where('event_id', '=', eventId).executeTakeFirst();
      return usageProblem('webhooks redeliver', undefined, exists ? `event ${eventId} is being delivered right now; try again in a few seconds` : `no webhook has the event id "${eventId}"`);
    }
    console.log(`Event ${eventId} queued again; a running Keyway sends it within seconds.`);
    return 0;
  });
}
