import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';

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
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path or `:memory:`. */
  url: string;
  /** PostgreSQL schema to use (created if missing); lets tests isolate themselves. */
  schema?: string;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = /^postgres(ql)?:\/\//.test(options.url) ? await openPostgres(options) : openSqlite(options.url);
  const { error, results } = await new Migrator({ db: store.db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    await store.close();
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return store;
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, dialect: 'sqlite', skipLocked: (query) => query, close: () => db.destroy() };
}

async function openPostgres(options: StoreOptions): Promise<Store> {
  // Loaded only for PostgreSQL, so the embedded default starts without it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 10,
    // Epoch milliseconds are bigint (int8); they fit a JS number, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error('invalid schema name');
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    skipLocked: (query) => query.forUpdate().skipLocked(),
    close: () => db.destroy(),
  };
}
