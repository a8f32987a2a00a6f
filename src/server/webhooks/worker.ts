import type { Sealer } from '../security/sealer.js';
import type { Store } from '../store/database.js';
import type { OutboxTable } from '../store/schema.js';
import { tenantWebhookSecret } from '../store/tenants.js';
import { claimDueWebhooks, markAttemptFailed, markDelivered } from './outbox.js';
import { signWebhook } from './signature.js';
import { startPoller, type Poller } from '../jobs/poller.js';

export interface WebhookWorkerOptions {
  store: Store;
  sealer: Sealer;
  clock?: () => number;
  pollMs?: number;
  /** Delay before retry n (1-based); exponential with jitter by default. */
  backoffMs?: (attempt: number) => number;
  maxAttempts?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export type WebhookWorker = Poller;

export function defaultBackoff(attempt: number): number {
  const base = Math.min(2 ** attempt * 1000, 60 * 60 * 1000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export function startWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const clock = options.clock ?? Date.now;
  const backoff = options.backoffMs ?? defaultBackoff;
  // With the default backoff: about two hours of doubling delays, then hourly, about 20 hours in all.
  const maxAttempts = options.maxAttempts ?? 30;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? ((line: string) => console.log(line));
  async function deliver(row: OutboxTable): Promise<void> {
    const now = clock();
    try {
      const secret = await tenantWebhookSecret(options.store.db, options.sealer, row.tenant_id);
      const response = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Keyway-Webhooks/1',
          'keyway-event-id': row.event_id,
          'keyway-signature': signWebhook(secret, row.body, Math.floor(now / 1000)),
        },
        body: row.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) throw new Error(`receiver answered ${response.status}`);
      await markDelivered(options.store.db, row.id, clock());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const exhausted = row.attempts >= maxAttempts;
      await markAttemptFailed(options.store.db, row, { now: clock(), error: message, nextAttemptAt: exhausted ? null : clock() + backoff(row.attempts) });
      log(`[keyway] webhook ${row.event_id} attempt ${row.attempts} failed (${message})${exhausted ? '; giving up' : '; will retry'}`);
    }
  }

  async function pass(): Promise<number> {
    const rows = await claimDueWebhooks(options.store, clock(), { limit: 20, leaseMs: timeoutMs * 3 });
    await Promise.all(rows.map(deliver));
    return rows.length;
  }

  return startPoller({ pass, pollMs: options.pollMs ?? 1000, name: 'webhook', log });
}
