import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertReused, runReused } from '../../src/server/store/reused-query.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, type Harness } from './harness.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`reused compiled queries (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('runs one compiled query with each call’s own values', async () => {
      const first = (await openFlow(h, await createLink(h))).flow.id;
      const second = (await openFlow(h, await createLink(h))).flow.id;
      const byId = (id: string) => runReused(h.store.db, 'test flow status by id', { id }, (db, params) => db.selectFrom('flows').select(['id', 'status']).where('id', '=', params.id));
      assert.deepEqual((await byId(first)).rows, [{ id: first, status: 'active' }]);
      assert.deepEqual((await byId(second)).rows, [{ id: second, status: 'active' }]);
      assert.deepEqual((await byId('no-such-flow')).rows, []);
    });

    it('inserts rows through one compiled insert, nulls included', async () => {
      const row = (id: string, webhookUrl: string | null) => ({ id, name: id, sealed_webhook_secret: 'sealed', webhook_url: webhookUrl, require_mfa: 0, created_at: 1 });
      await insertReused(h.store.db, 'tenants', row('tenant-a', 'https://a.example/hooks'));
      await insertReused(h.store.db, 'tenants', row('tenant-b', null));
      const stored = await h.store.db.selectFrom('tenants').select(['id', 'webhook_url']).where('id', 'in', ['tenant-a', 'tenant-b']).orderBy('id').execute();
      assert.deepEqual(stored, [{ id: 'tenant-a', webhook_url: 'https://a.example/hooks' }, { id: 'tenant-b', webhook_url: null }]);
    });

    it('refuses a query that leaves one of its values out, which no run could then set', async () => {
      await assert.rejects(
        () => runReused(h.store.db, 'test a value left out', { id: 'a', status: 'active' }, (db, params) => db.selectFrom('flows').select('id').where('id', '=', params.id)),
        /status must be used as plain values/,
      );
    });
  });
}
