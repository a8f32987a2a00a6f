import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';
import { describeDatabaseError } from './unavailable.js';

/** Channels are per database, not per schema; a payload that names no flow waiting here is ignored. */
export const FLOW_CHANGED_CHANNEL = 'keyway_flow_changed';

/** The first reconnection waits this long, each next one twice as long up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

export interface FlowChangeSubscriber {
  /** A flow's version changed on some instance (its transaction has committed). */
  changed(flowId: string): void;
  /** The listening connection came up (`true`) or was lost (`false`); changes in between were not heard. */
  live(isLive: boolean): void;
}

/**
 * Hears every instance's flow changes as they commit: PostgreSQL's LISTEN on one dedicated
 * connection per instance. Opened on the first subscription, so instances and tests that never
 * wait on a flow never hold it.
 */
export interface FlowChangeFeed {
  /** True while notifications arrive; when false, waiting streams must poll. */
  readonly isLive: boolean;
  /** The listening connection's `application_name`, as operators see it in `pg_stat_activity`. */
  readonly connectionName: string;
  subscribe(subscriber: FlowChangeSubscriber): () => void;
  close(): Promise<void>;
}

/** Announces a flow's new version to every instance's feed; PostgreSQL delivers it when `trx` commits, and never if it rolls back. */
export async function announceFlowChange(trx: Transaction<Database> | Kysely<Database>, dialect: 'sqlite' | 'postgres', flowId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_notify(${FLOW_CHANGED_CHANNEL}, ${flowId})`.execute(trx);
}

export interface PostgresFeedOptions {
  /** How the listening connection connects: the pool's own settings. */
  connection: pg.ClientConfig;
  Client: typeof pg.Client;
  log: (line: string) => void;
  firstRetryMs?: number;
}

export function postgresFlowChangeFeed(options: PostgresFeedOptions): FlowChangeFeed {
  const subscribers = new Set<FlowChangeSubscriber>();
  const connectionName = `keyway-listen-${randomBytes(4).toString('hex')}`;
  const firstRetryMs = options.firstRetryMs ?? FIRST_RETRY_MS;
  let client: pg.Client | undefined;
  let isLive = false;
  let started = false;
  let closed = false;
  let retryMs = firstRetryMs;
  let retryTimer: NodeJS.Timeout | undefined;

  function setLive(value: boolean): void {
    if (isLive === value) return;
    isLive = value;
    for (const subscriber of subscribers) subscriber.live(value);
  }

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (closed) return;
    const next = new options.Client({ ...options.connection, application_name: connectionName });
    client = next;
    next.on('notification', (message) => {
      if (message.channel !== FLOW_CHANGED_CHANNEL || !message.payload) return;
      for (const subscriber of subscribers) subscriber.changed(message.payload);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${FLOW_CHANGED_CHANNEL}`);
    } catch (error) {
      lost(next, error);
      return;
    }
    if (closed || client !== next) return;
    retryMs = firstRetryMs;
    setLive(true);
  }

  function lost(which: pg.Client, error: unknown): void {
    if (client !== which || closed) return;
    client = undefined;
    which.end().catch(() => {});
    if (isLive) options.log(`[keyway] flow change listener lost (${describeDatabaseError(error)}); event streams poll until it is back`);
    setLive(false);
    retryTimer = setTimeout(() => void connect(), retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  return {
    get isLive() {
      return isLive;
    },
    connectionName,
    subscribe(subscriber) {
      subscribers.add(subscriber);
      if (!started) {
        started = true;
        void connect();
      }
      return () => subscribers.delete(subscriber);
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      // Subscribers are not told: the store closes next, so a fallback poll now could only fail.
      subscribers.clear();
      isLive = false;
      const open = client;
      client = undefined;
      await open?.end().catch(() => {});
    },
  };
}
