import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, createLink, dialects, openFlow, submitOk, type Harness } from './harness.js';
import { sseReader } from './sse-reader.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`flow events (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('streams the current flow, then the flow again each time it changes', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const response = await h.app.request('/api/v1/flows/current/events', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const events = sseReader(response);
      const first = await events.next();
      assert.equal(first.event, 'flow');
      assert.equal(JSON.parse(first.data).step.kind, 'providers');
      // A change made through another request (another tab, a phone, an OAuth callback) reaches the stream.
      await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const second = await events.next();
      assert.equal(JSON.parse(second.data).step.kind, 'credentials');
      await events.cancel();
    });

    it('refuses a stream without a valid flow token', async () => {
      const response = await h.app.request('/api/v1/flows/current/events', { headers: { authorization: `Bearer ${'q'.repeat(43)}` } });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_token');
    });
  });
}
