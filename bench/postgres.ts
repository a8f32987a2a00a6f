/** PostgreSQL for the benches: KEYWAY_BENCH_DATABASE_URL, else a local server if one answers; a fresh database per run. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server to bench against, or undefined when none is reachable (the PostgreSQL figures are then skipped). */
export async function benchPostgresUrl(): Promise<string | undefined> {
  const url = process.env['KEYWAY_BENCH_DATABASE_URL'] ?? LOCAL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new, empty database on the same server; `drop` removes it (after every client has gone). */
export async function freshDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `keyway_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
