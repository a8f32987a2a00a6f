import type { Migration, MigrationProvider } from 'kysely';
import { connectMigrations } from './migrations/connect.js';
import { identityMigrations } from './migrations/identity.js';
import { messageMigrations } from './migrations/messages.js';

/**
 * One set of migrations for both dialects, one file per part of the product; names sort in the order
 * they run (Kysely sorts by name), so a new migration takes the next free number in any file.
 */
const migrations: Record<string, Migration> = { ...connectMigrations, ...identityMigrations, ...messageMigrations };

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
