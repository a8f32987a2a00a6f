import { newId } from '../security/tokens.js';
import type { Sealer } from '../security/sealer.js';
import type { ProviderCatalogue } from '../providers/catalogue.js';
import type { RenewalOutcome } from '../providers/adapter.js';
import type { Store } from '../store/database.js';
import type { AccountTable } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';
import { startPoller, type Poller } from '../jobs/poller.js';

const RENEW_MARGIN_MS = 5 * 60 * 1000;
const RETRY_AFTER_ERROR_MS = 60 * 1000;
const LEASE_MS = 60 * 1000;

/** Renew five minutes before expiry, or at four fifths of a shorter lifetime. */
export function renewalTime(expiresAt: number, now: number): number {
  return Math.max(now, expiresAt - Math.min(RENEW_MARGIN_MS, (expiresAt - now) / 5));
}

export interface RenewalOptions {
  store: Store;
  sealer: Sealer;
  catalogue: ProviderCatalogue;
  clock?: () => number;
  pollMs?: number;
  onWebhookQueued?: () => void;
  log?: (line: string) => void;
}

/** Leases accounts whose tokens are due, so two instances never renew the same one at once. */
async function claimDue(store: Store, now: number): Promise<AccountTable[]> {
  return store.db.transaction().execute(async (trx) => {
    const due = store.skipLocked(
      trx
        .selectFrom('accounts')
        .select('id')
        .where('status', '=', 'OK')
        .where('renew_at', '<=', now)
        .where((eb) => eb.or([eb('renew_lease_until', 'is', null), eb('renew_lease_until', '<', now)]))
        .orderBy('renew_at')
        .limit(20),
    );
    const ids = (await due.execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    return trx.updateTable('accounts').set({ renew_lease_until: now + LEASE_MS }).where('id', 'in', ids).returningAll().execute();
  });
}

/**
 * Keeps connected accounts usable: renews tokens before they expire; when the provider refuses
 * the stored credentials, the account's status becomes CREDENTIALS and a webhook says so.
 */
export function startRenewalWorker(options: RenewalOptions): Poller {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const { db } = options.store;

  async function renew(account: AccountTable): Promise<void> {
    const adapter = options.catalogue.get(account.provider)?.adapter;
    if (!adapter?.renew) {
      await db.updateTable('accounts').set({ renew_at: null, renew_lease_until: null }).where('id', '=', account.id).execute();
      return;
    }
    let outcome: RenewalOutcome;
    try {
      outcome = await adapter.renew(options.sealer.openJson<Record<string, unknown>>(account.sealed_secrets), clock());
    } catch (error) {
      log(`[keyway] renewing account ${account.id} (${account.provider}) failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
      await db.updateTable('accounts').set({ renew_at: clock() + RETRY_AFTER_ERROR_MS, renew_lease_until: null }).where('id', '=', account.id).execute();
      return;
    }
    const now = clock();
    if (outcome.type === 'renewed') {
      await db
        .updateTable('accounts')
        .set({
          sealed_secrets: options.sealer.sealJson(outcome.secrets),
          renew_at: outcome.expiresAt === undefined ? null : renewalTime(outcome.expiresAt, now),
          renew_lease_until: null,
          updated_at: now,
        })
        .where('id', '=', account.id)
        .execute();
      return;
    }
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ status: 'CREDENTIALS', renew_at: null, renew_lease_until: null, updated_at: now }).where('id', '=', account.id).execute();
      if (account.notify_url) {
        await enqueueWebhook(trx, {
          tenantId: account.tenant_id,
          url: account.notify_url,
          now,
          event: { status: 'CREDENTIALS', account_id: account.id, name: account.name, event_id: newId(), provider: account.provider, occurred_at: new Date(now).toISOString() },
        });
      }
    });
    log(`[keyway] account ${account.id} (${account.provider}) needs reconnecting: the provider refused its credentials`);
    if (account.notify_url) options.onWebhookQueued?.();
  }

  let stopping = false;

  async function pass(): Promise<number> {
    if (stopping) return 0;
    const due = await claimDue(options.store, clock());
    for (const [index, account] of due.entries()) {
      if (stopping) {
        await releaseLeases(due.slice(index));
        return index;
      }
      await renew(account);
    }
    return due.length;
  }

  /** Accounts claimed but not started go back at once, so another instance renews them without waiting out the lease. */
  async function releaseLeases(accounts: AccountTable[]): Promise<void> {
    const [first] = accounts;
    if (!first) return;
    // One claim leases all of them until the same time; a lease that moved on is another worker's.
    await db
      .updateTable('accounts')
      .set({ renew_lease_until: null })
      .where('id', 'in', accounts.map((account) => account.id))
      .where('renew_lease_until', '=', first.renew_lease_until)
      .execute();
  }

  const poller = startPoller({ pass, pollMs: options.pollMs ?? 30_000, name: 'account renewal', log });
  return {
    ...poller,
    // The renewal under way is let finish (its provider call has its own timeout): a refresh token
    // may rotate, so a second instance renewing the same account at once could be refused.
    async stop() {
      stopping = true;
      await poller.stop();
    },
  };
}
