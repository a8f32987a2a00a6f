import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { describeDatabaseError } from './unavailable.js';

/** Channels are per database, not per schema; a payload that names no flow waiting here is ignored. */
export const FLOW_CHANGED_CHANNEL = 'keyway_flow_changed';

/** The first reconnection waits this long, each next one twice as long up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
/** PostgreSQL takes payloads under 8,000 bytes: this many flow ids (UUIDs) with their commas. */
const IDS_PER_NOTIFY = 200;

export interface FlowChangeSubscriber {
  /** A flow's version changed on some instance (its transaction has committed). */
  changed(flowId: string): void;
  /** The listening connection came up (`true`) or was lost (`false`); changes in between were not heard. */
  live(isLive: boolean): void;
}

/**
 * Hears every instance's flow changes as they commit: PostgreSQL's LISTEN on one dedicated
 * connection per instance, which also sends this instance's notifications. Opened on the first
 * subscription or announcement, so instances and tests that never touch a flow never hold it.
 */
export interface FlowChangeFeed {
  /** True while notifications arrive; when false, waiting streams must poll. */
  readonly isLive: boolean;
  /** The listening connection's `application_name`, as operators see it in `pg_stat_activity`. */
  readonly connectionName: string;
  /**
   * Tells every instance (this one too) that a flow's change has committed. It is sent after the
   * commit, not inside the transaction: PostgreSQL serialises every commit that notifies, which
   * cost PostgreSQL flows a third of their throughput. One NOTIFY is in flight at a time, over the
   * listening connection while it is up; the ids announced meanwhile go out together in the next.
   * A notification lost to a crash right after the commit is made up by the streams' slow poll.
   */
  announce(flowId: string): void;
  subscribe(subscriber: FlowChangeSubscriber): () => void;
  close(): Promise<void>;
}

export interface PostgresFeedOptions {
  /** How the listening connection connects: the pool's own settings. */
  connection: pg.ClientConfig;
  Client: typeof pg.Client;
  /** Sends a NOTIFY through the instance's pool (while the listening connection is down); `sql` takes the channel and the payload as $1 and $2. */
  notify: (sql: string, values: [string, string]) => Promise<unknown>;
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
  let announced = new Set<string>();
  let sending = false;

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
      for (const flowId of message.payload.split(',')) for (const subscriber of subscribers) subscriber.changed(flowId);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the connection ended')));
    try {
      await next.connect();
      // This session only listens and notifies: its commits need not wait for the disk.
      await next.query('SET synchronous_commit TO off');
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

  function start(): void {
    if (started) return;
    started = true;
    void connect();
  }

  async function sendAnnounced(): Promise<void> {
    sending = true;
    while (announced.size > 0 && !closed) {
      const ids = [...announced].slice(0, IDS_PER_NOTIFY);
      for (const id of ids) announced.delete(id);
      const values: [string, string] = [FLOW_CHANGED_CHANNEL, ids.join(',')];
      const through = isLive && client ? client.query('SELECT pg_notify($1, $2)', values) : options.notify('SELECT pg_notify($1, $2)', values);
      // Failing, it leaves the change to the other instances' polls; the request that made it has succeeded.
      await through.catch(() => {});
    }
    sending = false;
  }

  return {
    get isLive() {
      return isLive;
    },
    connectionName,
    announce(flowId) {
      if (closed) return;
      start();
      if (announced.size === 0 && !sending) setImmediate(() => void sendAnnounced());
      announced.add(flowId);
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
      start();
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
