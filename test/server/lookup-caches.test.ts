import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../src/server/store/statement-cache.js';
import { lookupCache } from '../../src/server/store/lookup-cache.js';
import { API_KEY_CACHE_MS, createApiKey, revokeApiKeys } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, linkRequest, postJson, type Harness } from './harness.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`API key and brand caches (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    const createLinkWith = (key: string) => postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock), { 'x-api-key': key });
    const putBrand = (body: unknown) =>
      h.app.request('/api/v1/brand', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify(body) });
    async function linkHost(): Promise<string> {
      const response = await createLinkWith(h.apiKey);
      assert.equal(response.status, 201);
      return new URL(((await response.json()) as { url: string }).url).host;
    }

    it('refuses a key revoked through this instance at once, though it was just cached', async () => {
      const { apiKey, tenantId } = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', label: 'rotating', now: h.clock.now });
      assert.equal((await createLinkWith(apiKey)).status, 201);
      assert.equal((await createLinkWith(apiKey)).status, 201);
      await revokeApiKeys(h.store.db, tenantId, 'rotating', h.clock.now);
      const refused = await createLinkWith(apiKey);
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
    });

    it('refuses a key revoked elsewhere (straight in the database) within the stated bound', async () => {
      const { apiKey } = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', label: 'elsewhere', now: h.clock.now });
      assert.equal((await createLinkWith(apiKey)).status, 201);
      // What another instance or `keyway keys revoke` does: this instance's cache is not told.
      await h.store.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('label', '=', 'elsewhere').execute();
      await new Promise((resolve) => setTimeout(resolve, API_KEY_CACHE_MS + 100));
      assert.equal((await createLinkWith(apiKey)).status, 401);
    });

    it('still compares the whole key when its row is cached', async () => {
      assert.equal((await createLinkWith(h.apiKey)).status, 201);
      // Same id (the row is cached), different secret.
      const forged = `${h.apiKey.slice(0, 16)}${'A'.repeat(43)}`;
      assert.notEqual(forged, h.apiKey);
      assert.equal((await createLinkWith(forged)).status, 401);
    });

    it('shows a brand set, changed or removed through this instance at once', async () => {
      assert.equal(await linkHost(), 'keyway.test');
      assert.equal((await putBrand({ name: 'Acme', domain: '127.0.0.2:8787' })).status, 200);
      assert.equal(await linkHost(), '127.0.0.2:8787');
      assert.equal((await putBrand({ name: 'Acme', domain: '127.0.0.4:8787' })).status, 200);
      assert.equal(await linkHost(), '127.0.0.4:8787');
      const removed = await h.app.request('/api/v1/brand', { method: 'DELETE', headers: { 'x-api-key': h.apiKey } });
      assert.equal(removed.status, 204);
      assert.equal(await linkHost(), 'keyway.test');
    });
  });
}

describe('lookup cache', () => {
  it('serves a hit until its time runs out, then loads again', async () => {
    let now = 0;
    let loads = 0;
    const cache = lookupCache<string, number>(1000, () => now);
    const owner = {};
    const load = async () => ++loads;
    assert.equal(await cache.get(owner, 'k', load), 1);
    now = 999;
    assert.equal(await cache.get(owner, 'k', load), 1);
    now = 1000;
    assert.equal(await cache.get(owner, 'k', load), 2);
  });

  it('does not keep what a load returned when forget came while it ran', async () => {
    const cache = lookupCache<string, string>(60_000);
    const owner = {};
    let release: (value: string) => void = () => {};
    const slow = cache.get(owner, 'k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.forget(owner);
    release('stale');
    assert.equal(await slow, 'stale');
    assert.equal(await cache.get(owner, 'k', async () => 'fresh'), 'fresh');
  });

  it('keeps owners apart and never remembers a miss', async () => {
    const cache = lookupCache<string, string>(60_000);
    const [first, second] = [{}, {}];
    assert.equal(await cache.get(first, 'k', async () => 'first'), 'first');
    assert.equal(await cache.get(second, 'k', async () => 'second'), 'second');
    assert.equal(await cache.get(first, 'missing', async () => undefined), undefined);
    assert.equal(await cache.get(first, 'missing', async () => 'now here'), 'now here');
  });
});

describe('SQLite statement cache', () => {
  const database = new SQLite(':memory:');
  const cached = withStatementCache(database);
  database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  after(() => cached.close());

  it('reuses one statement per SQL text and answers each call with its own parameters', () => {
    const insert = cached.prepare('INSERT INTO t (id, name) VALUES (?, ?)');
    assert.equal(cached.prepare('INSERT INTO t (id, name) VALUES (?, ?)'), insert);
    for (let id = 1; id <= 3; id += 1) insert.run([id, `name-${id}`]);
    const select = 'SELECT name FROM t WHERE id = ?';
    assert.deepEqual(cached.prepare(select).all([2]), [{ name: 'name-2' }]);
    assert.deepEqual(cached.prepare(select).all([3]), [{ name: 'name-3' }]);
    assert.deepEqual(cached.prepare(select).all([9]), []);
  });

  it('prepares a fresh statement while the cached one is being iterated', () => {
    const sql = 'SELECT id FROM t ORDER BY id';
    const outer = cached.prepare(sql).iterate([]);
    const first = outer.next();
    assert.deepEqual(first.value, { id: 1 });
    assert.deepEqual(cached.prepare(sql).all([]), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual([...outer], [{ id: 2 }, { id: 3 }]);
  });

  it('sees rows and columns added after a statement was cached', () => {
    const sql = 'SELECT * FROM t WHERE id = ?';
    assert.deepEqual(cached.prepare(sql).all([1]), [{ id: 1, name: 'name-1' }]);
    database.exec("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    cached.prepare('UPDATE t SET name = ? WHERE id = ?').run(['renamed', 1]);
    assert.deepEqual(cached.prepare(sql).all([1]), [{ id: 1, name: 'renamed', extra: 'x' }]);
  });
});
