import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { FlowChangeFeed } from '../store/flow-change-feed.js';
import type { Database } from '../store/schema.js';

/** One query answers this many streams; PostgreSQL and SQLite both take lists far longer. */
const IDS_PER_QUERY = 1000;

/**
 * While the change feed is live, changes arrive as notifications and the poll only has to catch
 * what time alone changes (a QR code due for renewal, an expiry), so it can be slow.
 */
export const NOTIFIED_POLL_MS = 2000;
/** Notified flows remembered for a stream about to wait again, at most this many between two polls. */
const HEARD_KEPT = 10_000;

export interface VersionPoller {
  /**
   * Resolves with the flow's version once it differs from `known` (heard from a notification or
   * read by the shared poll), or at a poll where `isDue()` says the stream has something to do
   * anyway (a heartbeat, a QR code to renew); undefined once the row is gone.
   */
  next(flowId: string, known: number | undefined, isDue: () => boolean): Promise<number | undefined>;
}

type Waiter = { known: number | undefined; isDue: () => boolean; resolve: (version: number | undefined) => void; reject: (error: unknown) => void };

/**
 * Waiting event streams used to read their own flow's version every poll, one query each: a
 * thousand waiting browsers made two thousand queries a second. Here every stream of an instance
 * waits on one shared poll that reads all their versions at once, and only the streams whose flow
 * changed (or that are due) are woken, so a poll where nothing changed costs one query. The poll
 * runs only while a stream waits. With a live change feed (PostgreSQL), a notified flow's streams
 * are answered at once and the poll slows to `NOTIFIED_POLL_MS`; losing the feed brings the fast poll back.
 */
export function versionPoller(db: Kysely<Database>, pollMs: number, feed?: FlowChangeFeed): VersionPoller {
  const waiting = new Map<string, Waiter[]>();
  let timer: NodeJS.Timeout | undefined;
  let notified = new Set<string>();
  let flushQueued = false;
  /**
   * Flows notified while none of their streams waited, with when: a stream between two waits (sending the
   * last change) would otherwise hear the next change only at the slow poll. Checking costs one
   * read and wakes no stream whose flow it has already seen.
   */
  let heardBetweenWaits = new Map<string, number>();

  async function poll(ids: string[]): Promise<void> {
    for (let from = 0; from < ids.length; from += IDS_PER_QUERY) {
      const chunk = ids.slice(from, from + IDS_PER_QUERY);
      let versions: Map<string, number>;
      try {
        const rows = await db.selectFrom('flows').select(['id', 'version']).where('id', 'in', chunk).execute();
        versions = new Map(rows.map((row) => [row.id, row.version]));
      } catch (error) {
        for (const id of chunk) for (const waiter of take(id)) waiter.reject(error);
        continue;
      }
      // Read after the query, so waiters that came while it ran are answered too.
      for (const id of chunk) {
        const version = versions.get(id);
        const still = (waiting.get(id) ?? []).filter((waiter) => {
          if (version === waiter.known && !waiter.isDue()) return true;
          waiter.resolve(version);
          return false;
        });
        if (still.length > 0) waiting.set(id, still);
        else waiting.delete(id);
      }
    }
  }

  function take(id: string): Waiter[] {
    const waiters = waiting.get(id) ?? [];
    waiting.delete(id);
    return waiters;
  }

  function schedule(): void {
    if (!timer && waiting.size > 0) timer = setTimeout(() => void tick(), feed?.isLive ? NOTIFIED_POLL_MS : pollMs);
  }

  async function tick(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    forgetHeardBefore(Date.now() - NOTIFIED_POLL_MS);
    await poll([...waiting.keys()]);
    schedule();
  }

  /** Notifications that arrive together are answered by one query. */
  function flushNotified(): Promise<void> {
    flushQueued = false;
    const ids = [...notified].filter((id) => waiting.has(id));
    notified = new Set();
    return poll(ids);
  }

  /** A stream waits again within moments of its last wake; older news is for nobody here. */
  function forgetHeardBefore(time: number): void {
    for (const [id, heardAt] of heardBetweenWaits) if (heardAt < time) heardBetweenWaits.delete(id);
  }

  function answerSoon(flowId: string): void {
    notified.add(flowId);
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(() => void flushNotified());
    }
  }

  feed?.subscribe({
    changed(flowId) {
      if (waiting.has(flowId)) return answerSoon(flowId);
      // Every instance's changes arrive here, most for flows nobody waits on at this instance: kept briefly, and bounded.
      if (heardBetweenWaits.size >= HEARD_KEPT) heardBetweenWaits = new Map();
      heardBetweenWaits.set(flowId, Date.now());
    },
    // Either way some changes may have gone unheard: poll now, then at the pace the new state allows.
    live() {
      if (waiting.size > 0) void tick();
    },
  });

  return {
    next(flowId, known, isDue) {
      return new Promise((resolve, reject) => {
        const waiter = { known, isDue, resolve, reject };
        const list = waiting.get(flowId);
        if (list) list.push(waiter);
        else waiting.set(flowId, [waiter]);
        const heardAt = heardBetweenWaits.get(flowId);
        if (heardAt !== undefined) {
          heardBetweenWaits.delete(flowId);
          if (heardAt >= Date.now() - NOTIFIED_POLL_MS) answerSoon(flowId);
        }
        schedule();
      });
    },
  };
}

const pollers = new WeakMap<object, VersionPoller>();

/** The one poller of a store (so of an instance), made on first use. */
export function sharedVersionPoller(store: Pick<Store, 'db' | 'changeFeed'>, pollMs: number): VersionPoller {
  let poller = pollers.get(store.db);
  if (!poller) pollers.set(store.db, (poller = versionPoller(store.db, pollMs, store.changeFeed)));
  return poller;
}
