import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** One query answers this many streams; PostgreSQL and SQLite both take lists far longer. */
const IDS_PER_QUERY = 500;

export interface VersionPoller {
  /** The flow's row version as read by the next shared poll, at most `pollMs` from now; undefined once the row is gone. */
  next(flowId: string): Promise<number | undefined>;
}

type Waiter = { resolve: (version: number | undefined) => void; reject: (error: unknown) => void };

/**
 * Waiting event streams used to read their own flow's version every poll, one query each: a
 * thousand waiting browsers made two thousand queries a second. Here every stream of an instance
 * waits for one shared tick that reads all their versions at once. The tick runs only while a
 * stream waits.
 */
export function versionPoller(db: Kysely<Database>, pollMs: number): VersionPoller {
  let waiting = new Map<string, Waiter[]>();
  let timer: NodeJS.Timeout | undefined;

  async function tick(): Promise<void> {
    timer = undefined;
    const batch = waiting;
    waiting = new Map();
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

  return {
    next(flowId) {
      return new Promise((resolve, reject) => {
        const list = waiting.get(flowId);
        if (list) list.push({ resolve, reject });
        else waiting.set(flowId, [{ resolve, reject }]);
        if (!timer) {
          timer = setTimeout(() => void tick(), pollMs);
        }
      });
    },
  };
}

const pollers = new WeakMap<object, VersionPoller>();

/** The one poller of a database handle (so of an instance), made on first use. */
export function sharedVersionPoller(db: Kysely<Database>, pollMs: number): VersionPoller {
  let poller = pollers.get(db);
  if (!poller) pollers.set(db, (poller = versionPoller(db, pollMs)));
  return poller;
}
