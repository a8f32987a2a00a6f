import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, linkRequest, postJson, type Harness } from './harness.js';

announceSkips();

const ACME = { domain: '127.0.0.2:8787', name: 'Acme Connect', primaryColor: '#aa3300', radius: '4px', supportUrl: 'https://acme.test/help' };
const GLOBEX = { domain: '127.0.0.3:8787', name: 'Globex Accounts', primaryColor: '#0055aa' };

for (const dialect of dialects()) {
  describe(`white-label brands (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let globexKey: string;
    before(async () => {
      h = await createHarness(dialect.url as string);
      globexKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
    });
    after(() => h.close());

    const put = (key: string, body: unknown) =>
      h.app.request('/api/v1/brand', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    async function linkFor(key: string): Promise<URL> {
      const response = await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock), { 'x-api-key': key });
      return new URL(((await response.json()) as { url: string }).url);
    }
    const open = (token: string, host: string) =>
      h.app.request('/api/v1/flows', { method: 'POST', headers: { 'content-type': 'application/json', host }, body: JSON.stringify({ link: token }) });

    it('stores a brand per tenant and issues that tenant’s links on its domain', async () => {
      assert.equal((await put(h.apiKey, ACME)).status, 200);
      assert.equal((await put(globexKey, GLOBEX)).status, 200);
      assert.deepEqual(await (await h.app.request('/api/v1/brand', { headers: { 'x-api-key': h.apiKey } })).json(), ACME);
      assert.equal((await linkFor(h.apiKey)).host, '127.0.0.2:8787');
      assert.equal((await linkFor(globexKey)).host, '127.0.0.3:8787');
    });

    it('serves each tenant’s wizard with its brand on its own host name', async () => {
      const acme = (await linkFor(h.apiKey)).pathname.split('/').pop() as string;
      const globex = (await linkFor(globexKey)).pathname.split('/').pop() as string;
      const acmeFlow = (await (await open(acme, '127.0.0.2:8787')).json()) as { flow: { brand: Record<string, string> } };
      assert.deepEqual(acmeFlow.flow.brand, { name: 'Acme Connect', primaryColor: '#aa3300', radius: '4px', supportUrl: 'https://acme.test/help' });
      const globexFlow = (await (await open(globex, '127.0.0.3:8787')).json()) as { flow: { brand: Record<string, string> } };
      assert.equal(globexFlow.flow.brand['name'], 'Globex Accounts');
    });

    it('refuses one tenant’s link on another tenant’s domain, in the page and the API', async () => {
      const acme = (await linkFor(h.apiKey)).pathname.split('/').pop() as string;
      const page = await h.app.request(`/connect/${acme}`, { headers: { host: '127.0.0.3:8787' } });
      assert.equal(page.status, 404);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal((await open(acme, '127.0.0.3:8787')).status, 404);
      assert.equal((await h.app.request(`/connect/${acme}`, { headers: { host: '127.0.0.2:8787' } })).status, 200);
      assert.equal((await open(acme, 'keyway.test')).status, 201, 'Keyway’s own domain serves every tenant');
    });

    for (const [name, body, status, code] of [
      ['a domain another tenant uses', { ...GLOBEX, domain: ACME.domain }, 409, 'domain_taken'],
      ['a domain with a path', { ...GLOBEX, domain: 'auth.globex.test/x' }, 422, 'invalid_request'],
      ['Keyway’s own domain', { ...GLOBEX, domain: 'keyway.test' }, 422, 'invalid_domain'],
      ['a colour that is not #rrggbb', { ...GLOBEX, primaryColor: 'red' }, 422, 'invalid_request'],
      ['a logo on another server', { ...GLOBEX, logoUrl: 'https://cdn.globex.test/logo.png' }, 422, 'invalid_request'],
      ['an unknown field', { ...GLOBEX, font: 'Comic Sans' }, 422, 'invalid_request'],
    ] as const) {
      it(`refuses ${name} with ${status} and keeps the brand as it was`, async () => {
        const response = await put(globexKey, body);
        assert.equal(response.status, status);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, code);
        assert.deepEqual(await (await h.app.request('/api/v1/brand', { headers: { 'x-api-key': globexKey } })).json(), GLOBEX);
      });
    }

    it('goes back to Keyway’s domain and look when the brand is deleted', async () => {
      assert.equal((await h.app.request('/api/v1/brand', { method: 'DELETE', headers: { 'x-api-key': globexKey } })).status, 204);
      assert.equal((await linkFor(globexKey)).host, 'keyway.test');
      assert.equal((await h.app.request('/api/v1/brand', { headers: { 'x-api-key': globexKey } })).status, 404);
    });
  });
}
