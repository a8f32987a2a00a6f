import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { announceSkips, createHarness, dialects, submitOk, toMfaStep, totpCode, type Harness } from './harness.js';

const TOKEN = 'metrics-token-0123456789';

/** The value of one sample line, e.g. `keyway_flows_ended_total{…} 2`; undefined when absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

announceSkips();
for (const dialect of dialects()) {
  describe(`GET /metrics (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url ?? '', { metrics: { token: TOKEN } });
    });
    after(() => h?.close());

    const scrape = async (authorization = `Bearer ${TOKEN}`) => h.app.request('/metrics', { headers: { authorization } });

    it('answers only with the metrics token', async () => {
      const missing = await h.app.request('/metrics');
      assert.equal(missing.status, 401);
      assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'invalid_metrics_token');
      assert.equal((await scrape('Bearer metrics-token-0123456780')).status, 401);
      const ok = await scrape();
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await ok.text(), /# TYPE keyway_flows_ended_total counter/);
    });

    it('counts flows by outcome and reason, step answer times, outbox figures and requests by route pattern', async () => {
      const { token, flow } = await toMfaStep(h);
      await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      const second = await toMfaStep(h);
      h.clock.advance(4_000);
      await submitOk(h, second.token, { kind: 'cancel', stepId: second.flow.step.id });
      h.clock.advance(90_000);

      const body = await (await scrape()).text();
      assert.equal(sample(body, 'keyway_flows_opened_total', { type: 'create' }), 2);
      assert.equal(sample(body, 'keyway_flows_ended_total', { provider: 'DEMO', status: 'succeeded', reason: 'none' }), 1);
      assert.equal(sample(body, 'keyway_flows_ended_total', { provider: 'DEMO', status: 'failed', reason: 'user_cancelled' }), 1);
      assert.equal(sample(body, 'keyway_flow_step_answer_seconds_count', { step: 'mfa' }), 2, 'the code and the cancel both answered an MFA step');
      assert.equal(sample(body, 'keyway_flow_step_answer_seconds_bucket', { step: 'mfa', le: '2' }), 1, 'the cancel came 4 s after the step was shown');
      // Both outcomes queued a webhook (no worker runs here), the oldest 94 s ago by the test clock.
      assert.equal(sample(body, 'keyway_webhook_deliveries', { state: 'pending' }), 2);
      assert.equal(sample(body, 'keyway_webhook_deliveries', { state: 'delivered' }), 0);
      assert.equal(sample(body, 'keyway_webhook_oldest_pending_seconds'), 94);
      assert.equal(sample(body, 'keyway_mail_deliveries', { state: 'pending' }), 0);
      assert.equal(sample(body, 'keyway_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/flows/current/steps', status: '200' }), 6);
      assert.doesNotMatch(body, new RegExp(token), 'no token or raw path is ever a label');
      assert.ok(sample(body, 'keyway_process_cpu_seconds_total') !== undefined, 'process metrics are included');
    });
  });
}

describe('metrics switch', () => {
  it('is off unless KEYWAY_METRICS=1 or a token is set, and refuses a short token', async () => {
    assert.equal(loadConfig({ KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).config.metrics, undefined);
    assert.deepEqual(loadConfig({ KEYWAY_METRICS: '1', KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).config.metrics, {});
    assert.deepEqual(loadConfig({ KEYWAY_METRICS_TOKEN: TOKEN, KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).config.metrics, { token: TOKEN });
    assert.throws(() => loadConfig({ KEYWAY_METRICS_TOKEN: 'short', KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }), /at least 16/);
    const h = await createHarness(':memory:');
    try {
      assert.equal((await h.app.request('/metrics')).status, 404);
    } finally {
      await h.close();
    }
  });
});
