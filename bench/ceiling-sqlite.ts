/**
 * The hand-written ceiling on SQLite: node:http + better-sqlite3 prepared statements, on a file
 * database made by Keyway's own migrations (same tables, same indexes, same pragmas); with `--flows`
 * it also serves the demo flow's steps (bench/ceiling-flows.ts).
 * Usage: node --import tsx bench/ceiling-sqlite.ts <database file> [--flows]
 */
import SQLite from 'better-sqlite3';
import { openStore } from '../src/server/store/database.js';
import { flowRoutes } from './ceiling-flows.js';
import { LINK_COLUMNS, newCeilingKey, serveCeiling, type KeyRow } from './ceiling-work.js';

const file = process.argv[2];
if (!file) throw new Error('usage: ceiling-sqlite.ts <database file>');
await (await openStore({ url: file })).close();

const database = new SQLite(file);
database.pragma('journal_mode = WAL');
database.pragma('busy_timeout = 5000');
database.pragma('synchronous = NORMAL');
database.pragma('foreign_keys = ON');

const key = newCeilingKey();
const tenantId = 'ceiling-tenant';
database.prepare('INSERT INTO tenants (id, name, sealed_webhook_secret, require_mfa, created_at) VALUES (?, ?, ?, 0, ?)').run(tenantId, 'ceiling', 'unused', Date.now());
database.prepare("INSERT INTO api_keys (id, tenant_id, kind, key_hash, label, created_at) VALUES (?, ?, 'api', ?, 'bench', ?)").run(key.id, tenantId, key.keyHash, Date.now());

const keyById = database.prepare<[string], KeyRow>('SELECT tenant_id, kind, key_hash, revoked_at FROM api_keys WHERE id = ?');
const insertLink = database.prepare(`INSERT INTO links (${LINK_COLUMNS.join(', ')}) VALUES (${LINK_COLUMNS.map(() => '?').join(', ')})`);

console.log(`API key: ${key.apiKey}`);
serveCeiling(
  {
    keyById: async (id) => keyById.get(id),
    insertLink: async (values) => {
      insertLink.run(...values);
    },
  },
  process.argv.includes('--flows') ? flowRoutes(database) : {},
);
