import { brandOfTenant } from '../brands.js';
import { startPoller, type Poller } from '../jobs/poller.js';
import type { Sealer } from '../security/sealer.js';
import type { Store } from '../store/database.js';
import type { Transaction } from 'kysely';
import type { Database, MailOutboxTable } from '../store/schema.js';
import { defaultBackoff } from '../webhooks/worker.js';
import { claimDueMail, markMailAttemptFailed, markMailSent, openMailBody, releaseMailLease } from './mail-outbox.js';
import type { MailAddress } from './mail-settings.js';
import { PermanentMailError, type MailTransport } from './mail-transport.js';

/** How a mail ended: sent, or given up (refused, expired or out of attempts) with the reason. */
export interface MailSettlement {
  row: MailOutboxTable;
  outcome: 'sent' | 'failed';
  reason: string | null;
  now: number;
}

/**
 * What the owner of a mail kind records when one of its mails is settled, in the transaction that
 * marks the outbox row, so both change together. `afterCommit` runs once that transaction committed.
 */
export type MailSettleHook = (trx: Transaction<Database>, settlement: MailSettlement) => Promise<{ afterCommit?: () => void } | void>;

export interface MailWorkerOptions {
  store: Store;
  sealer: Sealer;
  /** Where mail goes; none: mail stays queued (not lost) until a start with KEYWAY_SMTP_URL. The worker closes it on stop(). */
  transport: MailTransport | undefined;
  /** The sender; its display name gives way to the tenant's brand name. */
  from: MailAddress;
  clock?: () => number;
  pollMs?: number;
  /** Delay before retry n (1-based); exponential with jitter by default, as for webhooks. */
  backoffMs?: (attempt: number) => number;
  maxAttempts?: number;
  /** The longest one attempt may take, from claiming to the server's answer (a stalling server is cut off). */
  sendTimeoutMs?: number;
  /** Mails this worker sends at once. */
  maxInFlight?: number;
  log?: (line: string) => void;
  /** Per mail kind (`message`…): told when its mail is sent or given up. */
  settle?: Readonly<Record<string, MailSettleHook>>;
}

export type MailWorker = Poller;

/** Time for the brand lookup before sending and the database write after. */
const LEASE_MARGIN_MS = 5_000;
/** How long after stop() a send in flight may take to unwind before its lease is released anyway. */
const STOP_GRACE_MS = 2_000;

type Outcome = 'finished' | 'interrupted';
interface Sending {
  row: MailOutboxTable;
  stop: AbortController;
  done: Promise<Outcome>;
}

/** A display name fit for a header: no control characters (the transport encodes the rest). */
function headerSafe(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * Sends the mail outbox, at least once, on the shared poller. Each send runs on its own: a pass claims
 * only as many mails as there is room for and returns at once; a finished send starts the next pass,
 * so mail queued behind it does not wait for the poll. A failing or stopped SMTP server delays mail
 * with backoff; it goes out when the server is back, from this instance or the next one to start.
 *
 * Logs name the outbox id and the error only: a body carries a sign-in code or link.
 */
export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  if (!options.transport) {
    log('[keyway] warning: KEYWAY_SMTP_URL is not set: mail (sign-in codes, magic links) stays queued until Keyway starts with it');
    return { kick() {}, drain: async () => 0, stop: async () => {} };
  }
  const transport = options.transport;
  log(`[keyway] mail goes through ${transport.description}`);
  const { db } = options.store;
  const backoff = options.backoffMs ?? defaultBackoff;
  // With the default backoff: about four hours of retries (a sign-in mail expires long before; a message may not).
  const maxAttempts = options.maxAttempts ?? 15;
  const sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
  const leaseMs = sendTimeoutMs + LEASE_MARGIN_MS;
  const maxInFlight = options.maxInFlight ?? 4;

  const sending = new Map<string, Sending>();
  let claimedTotal = 0;
  let passRunning = false;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  async function fromFor(tenantId: string): Promise<MailAddress> {
    const brandName = headerSafe((await brandOfTenant(db, tenantId))?.brand.name ?? '');
    return { name: brandName || options.from.name, address: options.from.address };
  }

  /** Marks the row and tells the kind's owner in one transaction; without a hook, only the row. */
  async function settle(row: MailOutboxTable, outcome: MailSettlement['outcome'], reason: string | null, mark: (trx: Transaction<Database>, now: number) => Promise<void>): Promise<void> {
    const hook = options.settle?.[row.kind];
    const now = clock();
    const after = await db.transaction().execute(async (trx) => {
      await mark(trx, now);
      return hook ? await hook(trx, { row, outcome, reason, now }) : undefined;
    });
    after?.afterCommit?.();
  }

  async function send(row: MailOutboxTable, stop: AbortSignal): Promise<Outcome> {
    if (row.expires_at !== null && row.expires_at <= clock()) {
      const error = 'expired before it could be sent';
      await settle(row, 'failed', error, (trx, now) => markMailAttemptFailed(trx, row.id, { now, error, nextAttemptAt: null }));
      log(`[keyway] mail ${row.id} expired before it could be sent; dropped`);
      return 'finished';
    }
    try {
      const body = openMailBody(options.sealer, row);
      const from = await fromFor(row.tenant_id);
      await transport.send(
        { from, to: row.to_address, subject: row.subject, text: body.text, html: body.html, messageId: `${row.id}@${from.address.split('@')[1] ?? 'keyway'}` },
        AbortSignal.any([stop, AbortSignal.timeout(sendTimeoutMs)]),
      );
      await settle(row, 'sent', null, (trx, now) => markMailSent(trx, row.id, now));
    } catch (error) {
      // Stopping: the mail goes back to the outbox as it was, for whichever instance runs next.
      if (stop.aborted) return 'interrupted';
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentMailError;
      const exhausted = permanent || row.attempts >= maxAttempts;
      if (exhausted) await settle(row, 'failed', message, (trx, now) => markMailAttemptFailed(trx, row.id, { now, error: message, nextAttemptAt: null }));
      else await markMailAttemptFailed(db, row.id, { now: clock(), error: message, nextAttemptAt: clock() + backoff(row.attempts) });
      log(`[keyway] mail ${row.id} attempt ${row.attempts} failed (${message})${permanent ? '; refused, not retried' : exhausted ? '; giving up' : '; will retry'}`);
    }
    return 'finished';
  }

  function start(row: MailOutboxTable): void {
    const stop = new AbortController();
    const done = send(row, stop.signal)
      .catch((error: unknown) => {
        log(`[keyway] mail ${row.id} could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
        return 'finished' as const;
      })
      .finally(() => {
        sending.delete(row.id);
        if (!stopping) poller.kick();
      });
    sending.set(row.id, { row, stop, done });
  }

  async function pass(): Promise<number> {
    passRunning = true;
    try {
      if (stopping || sending.size >= maxInFlight) return 0;
      const rows = await claimDueMail(options.store, clock(), { limit: maxInFlight - sending.size, leaseMs });
      for (const row of rows) start(row);
      claimedTotal += rows.length;
      return rows.length;
    } finally {
      passRunning = false;
    }
  }

  const poller = startPoller({ pass, pollMs: options.pollMs ?? 1000, name: 'mail', log });

  /** Aborts sends in flight and releases their leases, so another instance sends them at once. */
  async function stopNow(): Promise<void> {
    stopping = true;
    await poller.stop();
    const held = [...sending.values()];
    for (const entry of held) entry.stop.abort(new Error('the mail worker stopped'));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<Outcome>((resolve) => {
      graceTimer = setTimeout(resolve, STOP_GRACE_MS, 'interrupted');
    });
    const outcomes = await Promise.all(held.map((entry) => Promise.race([entry.done, grace])));
    clearTimeout(graceTimer);
    const interrupted = held.filter((_, index) => outcomes[index] === 'interrupted');
    await Promise.all(
      interrupted.map((entry) =>
        // An aborted send may still have reached the server; at least once, never silently lost.
        releaseMailLease(db, entry.row, 'interrupted: the worker stopped').catch((error: unknown) => {
          log(`[keyway] mail ${entry.row.id} keeps its lease until it lapses: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
    transport.close();
  }

  return {
    kick: () => poller.kick(),
    /** Runs passes until nothing this worker started is in flight; resolves with how many mails it claimed meanwhile. */
    async drain() {
      const before = claimedTotal;
      for (;;) {
        await Promise.all([...sending.values()].map((entry) => entry.done));
        const claimed = await poller.drain();
        if (claimed === 0 && sending.size === 0 && !passRunning) break;
      }
      return claimedTotal - before;
    },
    stop() {
      stopped ??= stopNow();
      return stopped;
    },
  };
}
