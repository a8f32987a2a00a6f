import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, createLink, dialects, openFlow, postJson, submitOk, type Harness } from './harness.js';

announceSkips();

const HOST = 'https://shop.example';
const OTHER = 'https://evil.example';

type ErrorJson = { error: { code: string; message: string } };

function assertCorsFor(response: Response, origin: string): void {
  assert.equal(response.headers.get('access-control-allow-origin'), origin);
  assert.equal(response.headers.get('access-control-allow-credentials'), null, 'credentials are never allowed');
  assert.match(response.headers.get('vary') ?? '', /\bOrigin\b/);
}

function assertNoCors(response: Response): void {
  for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers']) {
    assert.equal(response.headers.get(name), null, `${name} is not sent`);
  }
}

function preflight(h: Harness, path: string, headers: Record<string, string>): Promise<Response> {
  return Promise.resolve(h.app.request(path, { method: 'OPTIONS', headers }));
}

for (const dialect of dialects()) {
  describe(`flow API CORS (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let widgetDir: string;
    before(async () => {
      widgetDir = mkdtempSync(join(tmpdir(), 'keyway-cors-'));
      mkdirSync(join(widgetDir, 'assets'));
      writeFileSync(join(widgetDir, 'assets', 'wizard.js'), 'export {};\n');
      h = await createHarness(dialect.url as string, { widgetDir });
    });
    after(() => h.close());

    const linkFor = () => createLink(h, { origins: [HOST] });
    const linkUsed = async (token: string) => (await postJson(h.app, '/api/v1/flows', { link: token })).status === 409;

    it('answers a registered origin on every call of a flow, errors included, without credentials', async () => {
      const link = await linkFor();
      const opened = await postJson(h.app, `/api/v1/flows?link=${link}`, { link }, { origin: HOST });
      assert.equal(opened.status, 201);
      assertCorsFor(opened, HOST);
      const { token, flow } = (await opened.json()) as { token: string; flow: { step: { id: string } } };

      const current = await h.app.request(`/api/v1/flows/current?link=${link}`, { headers: { origin: HOST, authorization: `Bearer ${token}` } });
      assert.equal(current.status, 200);
      assertCorsFor(current, HOST);
      // The strict headers stay.
      assert.equal(current.headers.get('cache-control'), 'no-store');
      assert.equal(current.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(current.headers.get('referrer-policy'), 'no-referrer');

      const step = await postJson(h.app, '/api/v1/flows/current/steps', { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' }, { origin: HOST, authorization: `Bearer ${token}` });
      assert.equal(step.status, 200);
      assertCorsFor(step, HOST);

      const stale = await postJson(h.app, '/api/v1/flows/current/steps', { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' }, { origin: HOST, authorization: `Bearer ${token}` });
      assert.equal(stale.status, 409, 'the wizard can read the error body of a registered origin');
      assertCorsFor(stale, HOST);
      assert.equal(((await stale.json()) as ErrorJson).error.code, 'step_mismatch');

      const events = await h.app.request('/api/v1/flows/current/events', { headers: { origin: HOST, authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
      assert.equal(events.status, 200);
      assertCorsFor(events, HOST);
      await events.body?.cancel();
    });

    it('lets a registered origin read a 401 for a flow token it does not know, through the link it names', async () => {
      const link = await linkFor();
      const response = await h.app.request(`/api/v1/flows/current?link=${link}`, { headers: { origin: HOST, authorization: `Bearer ${'x'.repeat(43)}` } });
      assert.equal(response.status, 401);
      assertCorsFor(response, HOST);
    });

    it('refuses an unregistered origin with 403 and no CORS headers, and opens nothing', async () => {
      const link = await linkFor();
      const opened = await postJson(h.app, `/api/v1/flows?link=${link}`, { link }, { origin: OTHER });
      assert.equal(opened.status, 403);
      assertNoCors(opened);
      assert.equal(((await opened.json()) as ErrorJson).error.code, 'origin_not_allowed');
      assert.equal(await linkUsed(link), false, 'the link is still unused');
    });

    it('refuses an unregistered origin on a flow it holds the token of, and the flow does not move', async () => {
      const { token, flow } = await openFlow(h, await linkFor());
      const version = async () => (await h.store.db.selectFrom('flows').select('version').where('id', '=', flow.id).executeTakeFirstOrThrow()).version;
      const before = await version();
      const step = await postJson(h.app, '/api/v1/flows/current/steps', { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' }, { origin: OTHER, authorization: `Bearer ${token}` });
      assert.equal(step.status, 403);
      assertNoCors(step);
      assert.equal(await version(), before);
      const current = await h.app.request('/api/v1/flows/current', { headers: { origin: OTHER, authorization: `Bearer ${token}` } });
      assert.equal(current.status, 403);
      assertNoCors(current);
    });

    it('an origin registered on another link gets nothing for this one, even naming its own link', async () => {
      const theirs = await createLink(h, { origins: [OTHER] });
      const { token, flow } = await openFlow(h, await linkFor());
      const step = await postJson(h.app, `/api/v1/flows/current/steps?link=${theirs}`, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' }, { origin: OTHER, authorization: `Bearer ${token}` });
      assert.equal(step.status, 403);
      assertNoCors(step);
    });

    it('without an Origin header (a server, the same page) answers as before, with no CORS headers', async () => {
      const { token, flow } = await openFlow(h, await linkFor());
      const next = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      assert.equal(next.step.kind, 'credentials');
      const current = await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(current.status, 200);
      assertNoCors(current);
      assert.match(current.headers.get('vary') ?? '', /\bOrigin\b/);
    });

    it("the hosted page's own origin (same host) needs no registration", async () => {
      const link = await createLink(h, { origins: [HOST] });
      const opened = await postJson(h.app, '/api/v1/flows', { link }, { origin: 'http://keyway.test', host: 'keyway.test' });
      assert.equal(opened.status, 201);
      assertNoCors(opened);
    });

    it('allows the preflight of a registered origin for the link it names', async () => {
      const link = await linkFor();
      for (const path of ['/api/v1/flows', '/api/v1/flows/current', '/api/v1/flows/current/steps', '/api/v1/flows/current/events']) {
        const response = await preflight(h, `${path}?link=${link}`, { origin: HOST, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' });
        assert.equal(response.status, 204, path);
        assertCorsFor(response, HOST);
        assert.deepEqual(response.headers.get('access-control-allow-methods')?.split(/,\s*/), ['GET', 'POST']);
        assert.deepEqual(response.headers.get('access-control-allow-headers')?.split(/,\s*/), ['Authorization', 'Content-Type']);
      }
      assert.equal(await linkUsed(link), false, 'a preflight opens nothing');
    });

    it('refuses the preflight of an unregistered origin, of an unknown or unnamed link, and of other methods or headers', async () => {
      const link = await linkFor();
      const refused: [string, Record<string, string>][] = [
        [`/api/v1/flows?link=${link}`, { origin: OTHER, 'access-control-request-method': 'POST' }],
        [`/api/v1/flows?link=${'u'.repeat(43)}`, { origin: HOST, 'access-control-request-method': 'POST' }],
        ['/api/v1/flows/current', { origin: HOST, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' }],
        [`/api/v1/flows/current?link=${link}`, { origin: HOST, 'access-control-request-method': 'DELETE' }],
        [`/api/v1/flows/current?link=${link}`, { origin: HOST, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-extra' }],
      ];
      for (const [path, headers] of refused) {
        const response = await preflight(h, path, headers);
        assert.equal(response.status, 403, `${path} ${JSON.stringify(headers)}`);
        assertNoCors(response);
        assert.equal(((await response.json()) as ErrorJson).error.code, 'origin_not_allowed');
      }
    });

    it("serves the wizard's built files to any page, without credentials", async () => {
      const response = await h.app.request('/assets/wizard.js', { headers: { origin: OTHER } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
    });
  });
}
