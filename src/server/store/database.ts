import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';
import { postgresFlowChangeFeed, type FlowChangeFeed } from './flow-change-feed.js';
import { withStatementCache } from './statement-cache.js';
import { DatabaseUnavailableError, describeDatabaseError, throttledLog } from './unavailable.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The database handle plus the only place where the two dialects differ:
 * how to connect, and row locking for background work.
 */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Adds `FOR UPDATE SKIP LOCKED` where the dialect has it (SQLite has one writer, so it needs none). */
  skipLocked<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** The driver's own handle, for libraries that speak to it directly (the rate limiter). */
  native: NativeHandle;
  /** PostgreSQL: flow changes as every instance commits them (LISTEN/NOTIFY). SQLite has none; its streams poll. */
  changeFeed?: FlowChangeFeed;
  /** Resolves when the database answers `select 1` within `timeoutMs`; rejects otherwise (readiness checks). */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export type NativeHandle = { dialect: 'sqlite'; database: SQLite.Database } | { dialect: 'postgres'; pool: import('pg').Pool };

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path or `:memory:`. */
  url: string;
  /** PostgreSQL schema to use (created if missing); lets tests isolate themselves. */
  schema?: string;
  /** Where a lost connection is reported (one line, throttled); `console.warn` by default. */
  log?: (line: string) => void;
  /** PostgreSQL: the first wait before the flow change listener reconnects (tests lengthen it). */
  listenerRetryMs?: number;
}

/** A request during an outage fails after this long instead of queueing for a connection. */
const CONNECT_TIMEOUT_MS = 2000;
/** Every statement Keyway runs is a short lookup or write; one that runs this long is stuck, not busy. */
const STATEMENT_TIMEOUT_MS = 15_000;
/** TCP keep-alive finds a server that vanished without closing the socket (a failover, a cut network). */
const KEEPALIVE_DELAY_MS = 10_000;

export async function openStore(options: StoreOptions): Promise<Store> {
  const postgres = /^postgres(ql)?:\/\//.test(options.url);
  // Only PostgreSQL comes from KEYWAY_DATABASE_URL alone; a SQLite path may also come from the data directory.
  const setting = postgres ? `KEYWAY_DATABASE_URL=${redactDatabaseUrl(options.url)}` : `the SQLite file ${options.url} (KEYWAY_DATABASE_URL or KEYWAY_DATA_DIR)`;
  let store: Store;
  try {
    store = postgres ? await openPostgres(options) : openSqlite(options.url);
  } catch (error) {
    throw new Error(`cannot open the database at ${setting}: ${describeDatabaseError(error)}`, { cause: error });
  }
  // In a schema of its own, the migrator's tables are looked up there, not in whichever schema has them first.
  const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(options.schema ? { migrationTableSchema: options.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    await store.close();
    // No migration ran at all: the database was never reached.
    if (!failed) throw new Error(`cannot reach the database at ${setting}: ${describeDatabaseError(error)}`, { cause: error });
    throw new Error(`database migration ${failed.migrationName} failed on ${setting}: ${describeDatabaseError(error)}`, { cause: error });
  }
  return store;
}

/** A connection string fit for a log line: the password replaced. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'postgres://…';
  }
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const connection = new SQLite(file);
  // WAL lets the CLI and a running server share the file; busy_timeout makes writers wait instead of failing.
  connection.pragma('journal_mode = WAL');
  connection.pragma('busy_timeout = 5000');
  // In WAL mode NORMAL still survives a crash of the process; only a power loss can drop the last commits.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  return withPing({ db, dialect: 'sqlite', skipLocked: (query) => query, native: { dialect: 'sqlite', database: connection }, close: () => db.destroy() });
}

/** Adds `ping()`, and makes a closed store say so instead of failing with the driver's own error. */
function withPing(store: Omit<Store, 'ping'>): Store {
  let closed = false;
  return {
    ...store,
    async ping(timeoutMs) {
      if (closed) throw new DatabaseUnavailableError('the store is closed');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DatabaseUnavailableError(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(store.db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      closed = true;
      return store.close();
    },
  };
}

async function openPostgres(options: StoreOptions): Promise<Store> {
  // Loaded only for PostgreSQL, so the embedded default starts without it.
  const { default: pg } = await import('pg');
  const connection = { connectionString: options.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS };
  const pool = new pg.Pool({
    ...connection,
    max: 10,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    // Epoch milliseconds are bigint (int8); they fit a JS number, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // A server that ends a connection (a restart, a failover, pg_terminate_backend) makes the client emit
  // 'error'; unheard, that kills the process. pg-pool drops such a client (idle, or on release, as it is no
  // longer queryable) and opens a new one when next needed; the query it was running fails on its own.
  const lost = throttledLog(options.log ?? ((line) => console.warn(line)));
  pool.on('connect', (client) => client.on('error', (error) => lost(`[keyway] database connection lost (${describeDatabaseError(error)}); it will be replaced`)));
  // The pool re-emits an idle client's error; the client's own listener above has reported it.
  pool.on('error', () => {});
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error('invalid schema name');
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const changeFeed = postgresFlowChangeFeed({ connection, Client: pg.Client, notify: (text, values) => pool.query(text, values), log: options.log ?? ((line) => console.warn(line)), ...(options.listenerRetryMs ? { firstRetryMs: options.listenerRetryMs } : {}) });
  return withPing({
    db,
    dialect: 'postgres',
    skipLocked: (query) => query.forUpdate().skipLocked(),
    native: { dialect: 'postgres', pool },
    changeFeed,
    close: async () => {
      await changeFeed.close();
      await db.destroy();
    },
  });
}
