import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, dialects, linkRequest, postJson, type Harness } from './harness.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`link API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    const create = (body: unknown, headers: Record<string, string> = { 'x-api-key': h.apiKey }) =>
      postJson(h.app, '/api/v1/hosted/accounts/link', body, headers);
    const linkCount = async () => Number((await h.store.db.selectFrom('links').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('answers the seed-003 request with a HostedAuthURL on the public URL', async () => {
      const response = await create(linkRequest(h.clock));
      assert.equal(response.status, 201);
      const body = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['object', 'url']);
      assert.equal(body['object'], 'HostedAuthURL');
      assert.match(String(body['url']), /^http:\/\/keyway\.test\/connect\/[A-Za-z0-9_-]{43}$/);
    });

    it('accepts the minimal seed request (type, providers, api_url, expiresOn)', async () => {
      const { type, providers, api_url, expiresOn } = linkRequest(h.clock);
      const response = await create({ type, providers, api_url, expiresOn });
      assert.equal(response.status, 201);
    });

    it('stores the link token only as a SHA-256 digest', async () => {
      const response = await create(linkRequest(h.clock));
      const { url } = (await response.json()) as { url: string };
      const token = url.split('/connect/')[1] as string;
      const rows = await h.store.db.selectFrom('links').select('token_hash').execute();
      assert.ok(rows.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)));
    });

    const badRequests: [string, (base: Record<string, unknown>) => unknown, number, string][] = [
      ['a missing type', ({ type: _t, ...rest }) => rest, 422, 'invalid_request'],
      ['a missing api_url', ({ api_url: _a, ...rest }) => rest, 422, 'invalid_request'],
      ['a missing expiresOn', ({ expiresOn: _e, ...rest }) => rest, 422, 'invalid_request'],
      ['an unknown field', (base) => ({ ...base, colour: 'blue' }), 422, 'invalid_request'],
      ['a wrong type for providers', (base) => ({ ...base, providers: 42 }), 422, 'invalid_request'],
      ['an unknown link type', (base) => ({ ...base, type: 'delete' }), 422, 'invalid_request'],
      ['expiresOn that is not a date', (base) => ({ ...base, expiresOn: 'tomorrow' }), 422, 'invalid_request'],
      ['expiresOn in the past', (base) => ({ ...base, expiresOn: new Date(h.clock.now - 1000).toISOString() }), 422, 'invalid_expiry'],
      ['expiresOn a year away', (base) => ({ ...base, expiresOn: new Date(h.clock.now + 365 * 86400_000).toISOString() }), 422, 'invalid_expiry'],
      ['a javascript: redirect URL', (base) => ({ ...base, success_redirect_url: 'javascript:alert(1)' }), 422, 'invalid_request'],
      ['an ftp: redirect URL', (base) => ({ ...base, failure_redirect_url: 'ftp://files.acme.test/x' }), 422, 'invalid_request'],
      ['a relative notify_url', (base) => ({ ...base, notify_url: '/hooks' }), 422, 'invalid_request'],
      ['an unknown provider', (base) => ({ ...base, providers: ['DEMO', 'MYSPACE'] }), 422, 'unknown_provider'],
      ['an empty provider list', (base) => ({ ...base, providers: [] }), 422, 'invalid_request'],
      ['reconnect without reconnect_account', (base) => ({ ...base, type: 'reconnect' }), 422, 'invalid_request'],
      ['reconnect of an unknown account', (base) => ({ ...base, type: 'reconnect', reconnect_account: 'nope' }), 404, 'account_not_found'],
      ['an origin with a path', (base) => ({ ...base, origins: ['https://app.acme.test/x'] }), 422, 'invalid_request'],
      ['a JSON array body', () => [], 422, 'invalid_request'],
    ];

    for (const [name, mutate, status, code] of badRequests) {
      it(`refuses ${name} with ${status} ${code} and stores nothing`, async () => {
        const before = await linkCount();
        const response = await create(mutate(linkRequest(h.clock)));
        assert.equal(response.status, status);
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, code);
        assert.ok(body.error.message.length > 10, 'the message says what is wrong');
        assert.equal(await linkCount(), before);
      });
    }

    it('refuses a body that is not JSON', async () => {
      const response = await h.app.request('/api/v1/hosted/accounts/link', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey },
        body: '{"type": "create",',
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_json');
    });

    it('refuses a body sent as a form', async () => {
      const response = await h.app.request('/api/v1/hosted/accounts/link', { method: 'POST', headers: { 'x-api-key': h.apiKey }, body: new URLSearchParams({ type: 'create' }) });
      assert.equal(response.status, 415);
    });

    for (const [name, headers, code] of [
      ['no API key', {}, 'missing_api_key'],
      ['a malformed API key', { 'x-api-key': 'hello' }, 'invalid_api_key'],
      ['a well-formed but wrong API key', { 'x-api-key': `kw_${'a'.repeat(12)}_${'b'.repeat(43)}` }, 'invalid_api_key'],
    ] as const) {
      it(`refuses ${name} with 401`, async () => {
        const before = await linkCount();
        const response = await create(linkRequest(h.clock), headers);
        assert.equal(response.status, 401);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, code);
        assert.equal(await linkCount(), before);
      });
    }

    it('refuses a key that differs from a real one only in its secret part', async () => {
      const forged = h.apiKey.slice(0, -4) + (h.apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const response = await create(linkRequest(h.clock), { 'x-api-key': forged });
      assert.equal(response.status, 401);
    });

    it('defaults the host origins to the redirect URLs’ origins', async () => {
      await create(linkRequest(h.clock, { success_redirect_url: 'https://a.acme.test/ok', failure_redirect_url: 'https://b.acme.test:8443/ko' }));
      const rows = await h.store.db.selectFrom('links').select('origins_json').execute();
      assert.ok(rows.some((row) => row.origins_json === JSON.stringify(['https://a.acme.test', 'https://b.acme.test:8443'])));
    });

    it('answers unknown API routes with a 404 error body', async () => {
      const response = await h.app.request('/api/v1/nothing-here');
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found');
    });
  });
}

describe('OpenAPI document', () => {
  it('is derived from the protocol schemas and describes the link request fields', async () => {
    const h = await createHarness(':memory:');
    try {
      const response = await h.app.request('/api/v1/openapi.json');
      assert.equal(response.status, 200);
      const document = (await response.json()) as { components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
      const link = document.components.schemas['LinkRequest'];
      assert.deepEqual(Object.keys(link?.properties ?? {}).sort(), [
        'api_url', 'expiresOn', 'failure_redirect_url', 'locale', 'name', 'new_link_url', 'notify_on_expiry', 'notify_url', 'origins', 'providers', 'reconnect_account', 'success_redirect_url', 'type',
      ]);
      assert.deepEqual([...(link?.required ?? [])].sort(), ['api_url', 'expiresOn', 'providers', 'type']);
    } finally {
      await h.close();
    }
  });
});

describe('oversized bodies', () => {
  it('refuses a body over 64 KB with 413 and stores nothing', async () => {
    const h = await createHarness(':memory:');
    try {
      const response = await postJson(h.app, '/api/v1/hosted/accounts/link', linkRequest(h.clock, { name: 'x'.repeat(70 * 1024) }), { 'x-api-key': h.apiKey });
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'payload_too_large');
      assert.equal((await h.store.db.selectFrom('links').select('id').execute()).length, 0);
    } finally {
      await h.close();
    }
  });
});
