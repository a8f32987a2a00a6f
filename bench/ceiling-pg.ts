/**
 * The hand-written ceiling on PostgreSQL: node:http + pg named (prepared) statements over a pool of
 * the same size as Keyway's, in a fresh schema made by Keyway's own migrations.
 * Usage: node --import tsx bench/ceiling-pg.ts <postgres url> <schema>
 */
import pg from 'pg';
import { openStore } from '../src/server/store/database.js';
import { LINK_COLUMNS, newCeilingKey, serveCeiling, type KeyRow } from './ceiling-work.js';

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: ceiling-pg.ts <postgres url> <schema>');
await (await openStore({ url, schema })).close();

const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
const key = newCeilingKey();
const tenantId = 'ceiling-tenant';
await pool.query('INSERT INTO tenants (id, name, sealed_webhook_secret, require_mfa, created_at) VALUES ($1, $2, $3, 0, $4)', [tenantId, 'ceiling', 'unused', Date.now()]);
await pool.query("INSERT INTO api_keys (id, tenant_id, kind, key_hash, label, created_at) VALUES ($1, $2, 'api', $3, 'bench', $4)", [key.id, tenantId, key.keyHash, Date.now()]);

const insertText = `INSERT INTO links (${LINK_COLUMNS.join(', ')}) VALUES (${LINK_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})`;

console.log(`API key: ${key.apiKey}`);
serveCeiling({
  keyById: async (id) => {
    const result = await pool.query<KeyRow>({ name: 'key-by-id', text: 'SELECT tenant_id, kind, key_hash, revoked_at FROM api_keys WHERE id = $1', values: [id] });
    return result.rows[0];
  },
  insertLink: async (values) => {
    await pool.query({ name: 'insert-link', text: insertText, values });
  },
});
