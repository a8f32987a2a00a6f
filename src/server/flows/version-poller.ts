import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { FlowChangeFeed } from '../store/flow-change-feed.js';
import type { Database } from '../store/schema.js';

/** One query answers this many streams; PostgreSQL and SQLite both take lists far longer. */
const IDS_PER_QUERY = 500;

/**
 * While the change feed is live, changes arrive as notifications and the poll only has to catch
 * what time alone changes (a QR code due for renewal, an expiry), so it can be slow.
 */
export const NOTIFIED_POLL_MS = 2000;

export interface VersionPoller {
  /**
   * The flow's row version once a change is heard for it, or as read by the next shared poll,
   * whichever comes first; undefined once the row is gone.
   */
  next(flowId: string): Promise<number | undefined>;
}

type Waiter = { resolve: (version: number | undefined) => void; reject: (error: unknown) => void };

/**
 * Waiting event streams used to read their own flow's version every poll, one query each: a
 * thousand waiting browsers made two thousand queries a second. Here every stream of an instance
 * waits for one shared tick that reads all their versions at once; the tick runs only while a
 * stream waits. With a live change feed (PostgreSQL), a notified flow's streams are answered at
 * once, and the shared poll slows to `NOTIFIED_POLL_MS`; losing the feed brings the fast poll back.
 */
export function versionPoller(db: Kysely<Database>, pollMs: number, feed?: FlowChangeFeed): VersionPoller {
  let waiting = new Map<string, Waiter[]>();
  let timer: NodeJS.Timeout | undefined;
  let notified = new Set<string>();
  let flushQueued = false;

  async function answer(batch: Map<string, Waiter[]>): Promise<void> {
    const ids = [...batch.keys()];
    for (let from = 0; from < ids.length; from += IDS_PER_QUERY) {
      const chunk = ids.slice(from, from + IDS_PER_QUERY);
      try {
        const rows = await db.selectFrom('flows').select(['id', 'version']).where('id', 'in', chunk).execute();
        const versions = new Map(rows.map((row) => [row.id, row.version]));
        for (const id of chunk) for (const waiter of batch.get(id) ?? []) waiter.resolve(versions.get(id));
      } catch (error) {
        for (const id of chunk) for (const waiter of batch.get(id) ?? []) waiter.reject(error);
      }
    }
  }

  function tick(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = new Map();
    return answer(batch);
  }

  /** Notifications that arrive together are answered by one query. */
  function flushNotified(): Promise<void> {
    flushQueued = false;
    const batch = new Map<string, Waiter[]>();
    for (const id of notified) {
      const waiters = waiting.get(id);
      if (!waiters) continue;
      batch.set(id, waiters);
      waiting.delete(id);
    }
    notified = new Set();
    return answer(batch);
  }

  feed?.subscribe({
    changed(flowId) {
      if (!waiting.has(flowId)) return;
      notified.add(flowId);
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(() => void flushNotified());
      }
    },
    // Either way some changes may have gone unheard: poll now, then at the pace the new state allows.
    live() {
      if (waiting.size > 0) void tick();
    },
  });

  return {
    next(flowId) {
      return new Promise((resolve, reject) => {
        const list = waiting.get(flowId);
        if (list) list.push({ resolve, reject });
        else waiting.set(flowId, [{ resolve, reject }]);
        timer ??= setTimeout(() => void tick(), feed?.isLive ? NOTIFIED_POLL_MS : pollMs);
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
