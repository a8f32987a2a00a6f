import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct statements Keyway runs are a few hundred; the bound only matters for SQL built with varying lists. */
const MAX_STATEMENTS = 1000;

/**
 * Kysely's SQLite driver calls `prepare` for every query, and preparing costs as much as running a
 * short one. Handed to the dialect in place of the database, this keeps one Statement per SQL text.
 * Reuse is safe because better-sqlite3 runs a statement synchronously to the end, except while one
 * is being iterated (`busy`): then a fresh one is prepared. Statements survive schema changes
 * (SQLite re-prepares them itself).
 */
export function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (!cached) {
        // Oldest first in a Map's order: dropping the first entry bounds memory without bookkeeping.
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
