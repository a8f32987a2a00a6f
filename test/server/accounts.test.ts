import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, submitOk, toMfaStep, totpCode, type Harness } from './harness.js';

announceSkips();

type ErrorJson = { error: { code: string } };
type AccountJson = { object: string; id: string; provider: string; name: string | null; status: string; created_at: string };
type ListJson = { object: string; items: AccountJson[]; cursor: string | null };

for (const dialect of dialects()) {
  describe(`accounts API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let otherKey: string;
    const ids: string[] = [];
    const get = (path: string, key = h.apiKey) => h.app.request(path, { headers: { 'x-api-key': key } });

    before(async () => {
      h = await createHarness(dialect.url as string);
      otherKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
      for (let n = 0; n < 5; n += 1) {
        h.clock.advance(1000);
        const { token, flow } = await toMfaStep(h, { name: `user-${n}` });
        const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
        ids.push(String(done.step['accountId']));
      }
    });
    after(() => h.close());

    it('lists the tenant’s accounts newest first, page by page, without secrets', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: Response = await get(`/api/v1/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(response.status, 200);
        const page = (await response.json()) as ListJson;
        assert.equal(page.object, 'AccountList');
        assert.ok(page.items.length <= 2);
        for (const item of page.items) {
          assert.deepEqual(Object.keys(item).sort(), ['created_at', 'id', 'name', 'object', 'provider', 'status', 'updated_at']);
          seen.push(item.id);
        }
        cursor = page.cursor;
      } while (cursor);
      assert.deepEqual(seen, [...ids].reverse());
    });

    it('reads one account', async () => {
      const response = await get(`/api/v1/accounts/${ids[0]}`);
      assert.equal(response.status, 200);
      const account = (await response.json()) as AccountJson;
      assert.deepEqual([account.object, account.id, account.provider, account.name, account.status], ['Account', ids[0], 'DEMO', 'user-0', 'OK']);
    });

    it('keeps tenants apart: another tenant neither sees, reads nor deletes the account', async () => {
      const list = (await (await get('/api/v1/accounts', otherKey)).json()) as ListJson;
      assert.deepEqual(list.items, []);
      assert.equal((await get(`/api/v1/accounts/${ids[0]}`, otherKey)).status, 404);
      const deleted = await h.app.request(`/api/v1/accounts/${ids[0]}`, { method: 'DELETE', headers: { 'x-api-key': otherKey } });
      assert.equal(deleted.status, 404);
      assert.equal((await get(`/api/v1/accounts/${ids[0]}`)).status, 200);
    });

    it('deletes an account, after which it is gone', async () => {
      const response = await h.app.request(`/api/v1/accounts/${ids[1]}`, { method: 'DELETE', headers: { 'x-api-key': h.apiKey } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { object: 'AccountDeleted', id: ids[1] });
      assert.equal((await get(`/api/v1/accounts/${ids[1]}`)).status, 404);
      const again = await h.app.request(`/api/v1/accounts/${ids[1]}`, { method: 'DELETE', headers: { 'x-api-key': h.apiKey } });
      assert.equal(again.status, 404);
    });

    for (const [name, query, code] of [
      ['a limit over 100', '?limit=500', 'invalid_request'],
      ['a limit that is not a number', '?limit=ten', 'invalid_request'],
      ['an unknown parameter', '?sort=name', 'invalid_request'],
      ['a forged cursor', '?cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
    ] as const) {
      it(`refuses ${name} with 422`, async () => {
        const response = await get(`/api/v1/accounts${query}`);
        assert.equal(response.status, 422);
        assert.equal(((await response.json()) as ErrorJson).error.code, code);
      });
    }

    it('refuses requests without a valid API key', async () => {
      assert.equal((await h.app.request('/api/v1/accounts')).status, 401);
      assert.equal((await get(`/api/v1/accounts/${ids[0]}`, 'nope')).status, 401);
    });
  });
}
