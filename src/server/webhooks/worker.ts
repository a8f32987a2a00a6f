import type { LookupFunction } from 'node:net';
import { startPoller, type Poller } from '../jobs/poller.js';
import { OutboundRefusedError, sendOutbound } from '../security/outbound.js';
import type { Sealer } from '../security/sealer.js';
import type { Store } from '../store/database.js';
import type { OutboxTable } from '../store/schema.js';
import { tenantWebhookSecret } from '../store/tenants.js';
import { claimDueWebhooks, markAttemptFailed, markDelivered, releaseWebhookLease } from './outbox.js';
import { signWebhook } from './signature.js';

export interface WebhookWorkerOptions {
  store: Store;
  sealer: Sealer;
  clock?: () => number;
  pollMs?: number;
  /** Delay before retry n (1-based); exponential with jitter by default. */
  backoffMs?: (attempt: number) => number;
  maxAttempts?: number;
  /** How long a receiver has, once connected, to answer. */
  timeoutMs?: number;
  /** How long resolving and connecting to a receiver may take; a dead host fails this fast. */
  connectTimeoutMs?: number;
  /** Deliveries this worker has in flight at once, over all receivers. */
  maxInFlight?: number;
  /** Deliveries this worker has in flight at once to one receiver (URL origin), so a hanging one holds back only its own. */
  perDestination?: number;
  /** Deliver to loopback and private addresses too (KEYWAY_ALLOW_PRIVATE_WEBHOOKS). */
  allowPrivate?: boolean;
  /** Name resolution for receivers; the system resolver by default. */
  lookup?: LookupFunction;
  log?: (line: string) => void;
}

export type WebhookWorker = Poller;

/** Time for the secret lookup before a request and the database write after it. */
export const LEASE_MARGIN_MS = 5_000;
/** How long after stop() an interrupted delivery may take to unwind before its lease is released anyway. */
const STOP_GRACE_MS = 2_000;

/**
 * A claimed row is leased for as long as one attempt can take: connecting, answering, the margin.
 * This is also the at-least-once bound: a crashed worker's rows are retried at most this long later.
 */
export function webhookLeaseMs(connectTimeoutMs: number, timeoutMs: number): number {
  return connectTimeoutMs + timeoutMs + LEASE_MARGIN_MS;
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(2 ** attempt * 1000, 60 * 60 * 1000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

type Outcome = 'finished' | 'interrupted';
interface Delivery {
  row: OutboxTable;
  abort: AbortController;
  done: Promise<Outcome>;
}

/**
 * Delivers the outbox. Each delivery runs on its own: a pass claims only as many rows as there is
 * room for, passes over receivers that already have `perDestination` in flight, and returns at
 * once; every finished delivery starts the next pass, so due rows do not wait for the poll.
 */
export function startWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const clock = options.clock ?? Date.now;
  const { db } = options.store;
  const backoff = options.backoffMs ?? defaultBackoff;
  // With the default backoff: about two hours of doubling delays, then hourly, about 20 hours in all.
  const maxAttempts = options.maxAttempts ?? 30;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  const leaseMs = webhookLeaseMs(connectTimeoutMs, timeoutMs);
  const maxInFlight = options.maxInFlight ?? 32;
  const perDestination = options.perDestination ?? 2;
  const policy = { allowPrivate: options.allowPrivate ?? false, ...(options.lookup ? { lookup: options.lookup } : {}) };
  const log = options.log ?? ((line: string) => console.log(line));

  const deliveries = new Map<string, Delivery>();
  const inFlightTo = new Map<string, number>();
  let claimedTotal = 0;
  let passRunning = false;
  let stopping = false;

  async function deliver(row: OutboxTable, signal: AbortSignal): Promise<Outcome> {
    try {
      const secret = await tenantWebhookSecret(db, options.sealer, row.tenant_id);
      const response = await sendOutbound(
        row.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Keyway-Webhooks/1',
            'keyway-event-id': row.event_id,
            'keyway-signature': signWebhook(secret, row.body, Math.floor(clock() / 1000)),
          },
          body: row.body,
          connectTimeoutMs,
          responseTimeoutMs: timeoutMs,
          maxResponseBytes: 16 * 1024,
          signal,
        },
        policy,
      );
      if (response.status < 200 || response.status >= 300) {
        throw new Error(`receiver answered ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`);
      }
      await markDelivered(db, row.id, clock());
    } catch (error) {
      // Stopping: the row goes back to the outbox as it was, for whichever instance runs next.
      if (signal.aborted) return 'interrupted';
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof OutboundRefusedError) {
        // An address does not become public by waiting; retrying for 20 hours would only keep probing it.
        await markAttemptFailed(db, row, { now: clock(), error: `refused: ${message}`, nextAttemptAt: null });
        log(`[keyway] webhook ${row.event_id} refused (${message}); not retried. KEYWAY_ALLOW_PRIVATE_WEBHOOKS=1 allows private receivers`);
        return 'finished';
      }
      const exhausted = row.attempts >= maxAttempts;
      await markAttemptFailed(db, row, { now: clock(), error: message, nextAttemptAt: exhausted ? null : clock() + backoff(row.attempts) });
      log(`[keyway] webhook ${row.event_id} attempt ${row.attempts} failed (${message})${exhausted ? '; giving up' : '; will retry'}`);
    }
    return 'finished';
  }

  function countTo(destination: string, change: number): void {
    const count = (inFlightTo.get(destination) ?? 0) + change;
    if (count > 0) inFlightTo.set(destination, count);
    else inFlightTo.delete(destination);
  }

  function start(row: OutboxTable): void {
    const abort = new AbortController();
    countTo(row.destination, 1);
    const done = deliver(row, abort.signal)
      .catch((error: unknown) => {
        log(`[keyway] webhook ${row.event_id} could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
        return 'finished' as const;
      })
      .finally(() => {
        deliveries.delete(row.id);
        countTo(row.destination, -1);
        if (!stopping) poller.kick();
      });
    deliveries.set(row.id, { row, abort, done });
  }

  async function pass(): Promise<number> {
    passRunning = true;
    try {
      return await claimWhileRoom();
    } finally {
      passRunning = false;
    }
  }

  async function claimWhileRoom(): Promise<number> {
    let claimed = 0;
    while (!stopping && deliveries.size < maxInFlight) {
      const busy = [...inFlightTo].filter(([, count]) => count >= perDestination).map(([destination]) => destination);
      const { rows, more } = await claimDueWebhooks(options.store, clock(), {
        limit: maxInFlight - deliveries.size,
        leaseMs,
        busy,
        roomFor: (destination) => perDestination - (inFlightTo.get(destination) ?? 0),
      });
      for (const row of rows) start(row);
      claimed += rows.length;
      claimedTotal += rows.length;
      // Rows were passed over for a receiver now full: claim again without it.
      if (!more) break;
    }
    return claimed;
  }

  const poller = startPoller({ pass, pollMs: options.pollMs ?? 1000, name: 'webhook', log });

  return {
    kick: () => poller.kick(),
    /** Runs passes until nothing this worker started is in flight; resolves with how many rows it claimed meanwhile. */
    async drain() {
      const before = claimedTotal;
      for (;;) {
        await Promise.all([...deliveries.values()].map((delivery) => delivery.done));
        const claimed = await poller.drain();
        // A pass that found nothing, with nothing in flight and no pass started after it: done.
        if (claimed === 0 && deliveries.size === 0 && !passRunning) break;
      }
      return claimedTotal - before;
    },
    /** Aborts deliveries in flight and releases their leases, so another instance delivers them at once. */
    async stop() {
      stopping = true;
      await poller.stop();
      const held = [...deliveries.values()];
      for (const delivery of held) delivery.abort.abort(new Error('the webhook worker stopped'));
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<Outcome>((resolve) => {
        graceTimer = setTimeout(resolve, STOP_GRACE_MS, 'interrupted');
      });
      const outcomes = await Promise.all(held.map((delivery) => Promise.race([delivery.done, grace])));
      clearTimeout(graceTimer);
      const interrupted = held.filter((_, index) => outcomes[index] === 'interrupted');
      await Promise.all(
        interrupted.map((delivery) =>
          releaseWebhookLease(db, delivery.row, 'interrupted: the worker stopped').catch((error: unknown) => {
            log(`[keyway] webhook ${delivery.row.event_id} keeps its lease until it lapses: ${error instanceof Error ? error.message : String(error)}`);
          }),
        ),
      );
    },
  };
}
