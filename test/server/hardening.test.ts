import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoRoutes } from '../../demo/server.js';
import { createApp } from '../../src/server/app.js';
import { normaliseHost } from '../../src/server/brands.js';
import { newId, newToken, sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, createLink, linkRequest, postJson, PUBLIC_URL, type Harness } from './harness.js';

announceSkips();

/** A body that would be 16 MB, counting how much of it the server actually pulled. */
function hugeStream(): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(16 * 1024).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 16 * 1024 * 1024) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => sent };
}

describe('request bodies on every route', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(':memory:');
  });
  after(() => h.close());

  for (const path of ['/pair/review', '/pair/confirm', '/api/v1/flows', '/demo/webhooks']) {
    it(`refuses an oversized body to ${path} with 413 while it streams`, async () => {
      const { body, pulled } = hugeStream();
      const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, duplex: 'half' } as RequestInit;
      const response = await h.app.request(path, init);
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'payload_too_large');
      assert.ok(pulled() < 256 * 1024, `stopped reading after ${pulled()} bytes`);
    });
  }

  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    const response = await h.app.request('/pair/review', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(16 * 1024 * 1024) }, body: 'code=ABCD' });
    assert.equal(response.status, 413);
  });

  const malformed: [string, Record<string, string>, string][] = [
    ['multipart without its parts', { 'content-type': 'multipart/form-data; boundary=x' }, 'this is not multipart'],
    ['multipart without a boundary', { 'content-type': 'multipart/form-data' }, '--x\r\n\r\n'],
    ['a truncated multipart part', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\nABCD'],
    ['JSON sent as a form', { 'content-type': 'application/json' }, '{"code":"ABCD-EFGH"}'],
    ['no content type', {}, 'code=ABCD'],
  ];
  for (const path of ['/pair/review', '/pair/confirm']) {
    for (const [name, headers, body] of malformed) {
      it(`answers ${name} to ${path} with a 400 page, not a 5xx`, async () => {
        const response = await h.app.request(path, { method: 'POST', headers, body });
        assert.equal(response.status, 400);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
        assert.match(await response.text(), /role="alert"/);
      });
    }
  }

  it('answers odd requests on every route with a 4xx, never a 5xx', async () => {
    const paths = ['/api/v1/hosted/accounts/link', '/api/v1/flows', '/api/v1/flows/current/steps', '/api/v1/brand', '/api/v1/accounts', '/pair/review', '/pair/confirm', '/oauth/callback', '/connect/%E0%A4%A', '/pair/%ZZ'];
    const bodies: [Record<string, string>, string][] = [
      [{ 'content-type': 'application/json' }, '{"unterminated'],
      [{ 'content-type': 'application/json' }, '[]'],
      [{ 'content-type': 'application/json' }, 'null'],
      [{ 'content-type': 'multipart/form-data; boundary=x' }, 'garbage'],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, '%%%=%%%&a=%E0%A4%A'],
      [{ 'content-type': 'text/plain', 'x-api-key': 'kw_\u00ff' }, '\u0000'],
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        for (const [headers, body] of bodies) {
          const response = await h.app.request(path, { method, headers: { ...headers, authorization: 'Bearer ' + 'x'.repeat(30) }, ...(method === 'GET' ? {} : { body }) });
          assert.ok(response.status >= 400 && response.status < 500, `${method} ${path} with ${headers['content-type']} answered ${response.status}`);
        }
      }
    }
  });
});

describe('hosts are compared in one normal form', () => {
  let h: Harness;
  let globexKey: string;
  before(async () => {
    h = await createHarness(':memory:');
    globexKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
    const put = await h.app.request('/api/v1/brand', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': globexKey },
      body: JSON.stringify({ domain: 'xn--glbex-kua.test', name: 'Globex' }),
    });
    assert.equal(put.status, 200);
  });
  after(() => h.close());

  it('normalises case, trailing dots, default ports and international names', () => {
    assert.equal(normaliseHost('B-Tenant.Test.', PUBLIC_URL), 'b-tenant.test');
    assert.equal(normaliseHost('b-tenant.test.:80', PUBLIC_URL), 'b-tenant.test');
    assert.equal(normaliseHost('b-tenant.test:8787', PUBLIC_URL), 'b-tenant.test:8787');
    assert.equal(normaliseHost('glöbex.test', PUBLIC_URL), 'xn--glbex-kua.test');
    assert.equal(normaliseHost('[::1]:8787', PUBLIC_URL), '[::1]:8787');
    for (const odd of ['', 'a b', 'evil.test/x', 'user@b-tenant.test', 'b-tenant.test\\x']) assert.equal(normaliseHost(odd, PUBLIC_URL), '', odd);
  });

  for (const host of ['xn--glbex-kua.test.', 'XN--GLBEX-KUA.TEST', 'xn--glbex-kua.test:80', 'xn--glbex-kua.test.:80', 'glöbex.test', 'GLÖBEX.test.']) {
    it(`does not open one tenant's link on another tenant's domain written as ${host}`, async () => {
      const token = await createLink(h);
      const page = await h.app.request(`/connect/${token}`, { headers: { host } });
      assert.equal(page.status, 404);
      const opened = await h.app.request('/api/v1/flows', { method: 'POST', headers: { 'content-type': 'application/json', host }, body: JSON.stringify({ link: token }) });
      assert.equal(opened.status, 404);
      const globexToken = new URL(((await (await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock), { 'x-api-key': globexKey })).json()) as { url: string }).url).pathname.split('/').pop();
      assert.equal((await h.app.request(`/connect/${globexToken}`, { headers: { host } })).status, 200, 'the domain still serves its own tenant');
    });
  }
});

describe('link origins', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(':memory:');
  });
  after(() => h.close());

  const refused = ['http://*', 'https://*.example.com', "http://'self'", 'http://127.0.0.2;report-uri', 'https://example.com/', 'https://example.com/path', 'https://EXAMPLE.com', 'https://user@example.com', 'javascript:alert(1)', 'https://exa mple.com', 'https://ex_ample.com', 'null'];
  for (const origin of refused) {
    it(`refuses the origin ${JSON.stringify(origin)} and stores nothing`, async () => {
      const response = await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock, { origins: ['https://app.acme.test', origin] }), { 'x-api-key': h.apiKey });
      assert.equal(response.status, 422);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_request');
      assert.equal((await h.store.db.selectFrom('links').select('id').execute()).length, 0);
    });
  }

  it('accepts exact origins and writes them, and only them, into frame-ancestors', async () => {
    const origins = ['https://app.acme.test', 'http://127.0.0.1:8787', 'http://[::1]:3000', 'https://xn--bcher-kva.example'];
    const token = await createLink(h, { origins });
    const csp = (await h.app.request(`/connect/${token}`)).headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-ancestors ${origins.map((o) => o.replace(/[.[\]]/g, '\\$&')).join(' ')}(;|$)`));
  });

  it('leaves out of the CSP an origin stored before origins were checked', async () => {
    const token = newToken();
    await h.store.db
      .insertInto('links')
      .values({
        id: newId(), tenant_id: h.tenantId, token_hash: sha256(token), type: 'create', providers_json: '"*"', api_url: 'https://api.acme.test',
        success_redirect_url: null, failure_redirect_url: null, notify_url: null, name: null, reconnect_account: null,
        origins_json: JSON.stringify(['http://127.0.0.2;report-uri https://evil.test', 'https://app.acme.test']), locale: null,
        expires_at: h.clock.now + 60_000, created_at: h.clock.now, used_at: null, notify_on_expiry: 0, expiry_reported_at: null, new_link_url: null,
      })
      .execute();
    const csp = (await h.app.request(`/connect/${token}`)).headers.get('content-security-policy') ?? '';
    assert.doesNotMatch(csp, /report-uri|evil/);
    assert.match(csp, /frame-ancestors https:\/\/app\.acme\.test$/);
  });
});

describe('baseline headers', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(':memory:');
  });
  after(() => h.close());

  it('sends nosniff and no-referrer on every route, the demo and errors included', async () => {
    const app = createApp(h.services, { extraRoutes: [demoRoutes({ services: h.services, internalUrl: 'http://127.0.0.1:9', apiKey: () => h.apiKey, tenantName: 'acme' })] });
    const token = await createLink(h);
    const requests: [string, RequestInit?][] = [
      ['/healthz'], ['/demo/'], ['/demo/demo.js'], ['/demo/demo.css'], ['/demo/api/webhooks'], ['/demo/api/totp'], ['/demo/missing'],
      [`/connect/${token}`], ['/connect/unknown'], ['/pair'], ['/pair/pair.css'], ['/pair/unknown-token-unknown-token'], ['/oauth/return.js'], ['/oauth/callback'],
      ['/embed/keyway-embed.js'], ['/embed/other.js'], ['/assets/none.js'], ['/api/v1/openapi.json'], ['/api/v1/accounts'], ['/nowhere'],
      ['/api/v1/flows', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
    ];
    for (const [path, init] of requests) {
      const response = await app.request(path, init);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${path} (${response.status})`);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', `${path} (${response.status})`);
    }
  });
});
