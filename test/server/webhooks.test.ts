import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../../src/server/config.js';
import { startKeyway } from '../../src/server/server.js';
import { tenantWebhookSecret } from '../../src/server/store/tenants.js';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import { startWebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, dialects, submitOk, toMfaStep, totpCode, type Harness } from './harness.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`webhook delivery (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let receiver: WebhookReceiver;
    let notifyUrl: string;
    before(async () => {
      receiver = new WebhookReceiver();
      notifyUrl = await receiver.listen();
    });
    after(async () => {
      await receiver.close();
      await h?.close();
    });

    it('delivers a signed CREATION_SUCCESS that the receiver can verify, and a tampered body fails the check', async () => {
      // The receiver listens on loopback: these tests run with the operator's opt-in for private receivers.
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} });
      const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl, name: 'user-9' });
      const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      assert.equal(await worker.drain(), 1);
      await worker.stop();
      const [delivery] = await receiver.waitFor(1);
      assert.ok(delivery);
      const event = JSON.parse(delivery.body) as Record<string, unknown>;
      assert.equal(event['status'], 'CREATION_SUCCESS');
      assert.equal(event['account_id'], done.step['accountId']);
      assert.equal(event['name'], 'user-9');
      assert.equal(delivery.headers['keyway-event-id'], event['event_id']);
      const signature = String(delivery.headers['keyway-signature']);
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery.body, signature), { valid: true });
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery.body.replace('user-9', 'user-8'), signature), { valid: false, reason: 'mismatch' });
      assert.deepEqual(verifyWebhook('whsec_other', delivery.body, signature), { valid: false, reason: 'mismatch' });
      const tenMinutesLater = Date.now() + 10 * 60 * 1000;
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery.body, signature, { now: tenMinutesLater }), { valid: false, reason: 'too_old' });
      assert.equal(await tenantWebhookSecret(h.store.db, h.services.sealer, h.tenantId), h.webhookSecret);
    });

    it('retries after a failing receiver until it accepts, then stops', async () => {
      receiver.deliveries.length = 0;
      receiver.statuses = [500, 503];
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, backoffMs: () => 0, log: () => {} });
      const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl });
      await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      for (let pass = 0; pass < 3; pass += 1) await worker.drain();
      assert.equal(await worker.drain(), 0, 'nothing left once delivered');
      await worker.stop();
      const deliveries = await receiver.waitFor(3);
      assert.equal(deliveries.length, 3);
      assert.equal(new Set(deliveries.map((d) => d.headers['keyway-event-id'])).size, 1, 'the same event each time');
      const row = await h.store.db.selectFrom('webhook_outbox').selectAll().where('event_id', '=', String(deliveries[0]?.headers['keyway-event-id'])).executeTakeFirstOrThrow();
      assert.equal(row.attempts, 3);
      assert.ok(row.delivered_at);
    });

    it('backs off after a failure instead of retrying at once', async () => {
      receiver.deliveries.length = 0;
      receiver.statuses = [500];
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, backoffMs: () => 60_000, log: () => {} });
      const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl });
      await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      assert.equal(await worker.drain(), 1);
      assert.equal(await worker.drain(), 0, 'not due again before the backoff');
      await worker.stop();
      const row = await h.store.db.selectFrom('webhook_outbox').selectAll().where('delivered_at', 'is', null).where('failed_at', 'is', null).executeTakeFirstOrThrow();
      assert.match(String(row.last_error), /500/);
      await h.store.db.updateTable('webhook_outbox').set({ failed_at: Date.now() }).where('id', '=', row.id).execute();
    });

    it('never hands one row to two concurrent workers', async () => {
      receiver.deliveries.length = 0;
      const workers = [1, 2, 3].map(() => startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} }));
      for (let i = 0; i < 4; i += 1) {
        const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl });
        await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      }
      const claimed = await Promise.all(workers.map((worker) => worker.drain()));
      await Promise.all(workers.map((worker) => worker.stop()));
      assert.equal(claimed.reduce((a, b) => a + b, 0), 4);
      await receiver.waitFor(4);
      assert.equal(new Set(receiver.deliveries.map((d) => d.headers['keyway-event-id'])).size, 4);
      assert.equal(receiver.deliveries.length, 4);
    });
  });
}

describe('webhook outbox across a restart', () => {
  let dataDir: string;
  const receiver = new WebhookReceiver();
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-restart-'));
  });
  after(async () => {
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers after a restart a webhook that could not be delivered before it', async () => {
    const port = await (async () => {
      const probe = new WebhookReceiver();
      const url = await probe.listen();
      await probe.close();
      return Number(new URL(url).port);
    })();
    const notifyUrl = `http://127.0.0.1:${port}/hooks`;
    const config: Config = {
      ...loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true }).config,
      port: 0,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:0',
      webhookPollMs: 50,
      providersFile: undefined,
    };
    const quiet = { log: () => {}, webhooks: { backoffMs: () => 100 } };

    const first = await startKeyway(config, quiet);
    let firstClosed = false;
    after(() => (firstClosed ? undefined : first.close()));
    const h = { app: { request: (path: string, init: RequestInit) => fetch(`${first.url}${path}`, init) } } as unknown as Harness;
    const { createApiKey } = await import('../../src/server/store/tenants.js');
    const key = await createApiKey(first.services.store.db, first.services.sealer, { tenantName: 'acme', now: Date.now() });
    Object.assign(h, { apiKey: key.apiKey, clock: { now: Date.now() } });
    const { token, flow } = await toMfaStep(h, { notify_url: notifyUrl });
    await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(Date.now()) });
    // The receiver is down: the first attempt fails and the row waits in the database.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pending = await first.services.store.db.selectFrom('webhook_outbox').selectAll().executeTakeFirstOrThrow();
    assert.equal(pending.delivered_at, null);
    assert.ok(pending.attempts >= 1);
    await first.close();
    firstClosed = true;

    await receiver.listen(port);
    const second = await startKeyway(config, quiet);
    try {
      const [delivery] = await receiver.waitFor(1, 5000);
      assert.equal(JSON.parse(delivery?.body ?? '{}').status, 'CREATION_SUCCESS');
      assert.deepEqual(verifyWebhook(key.webhookSecret ?? '', delivery?.body ?? '', String(delivery?.headers['keyway-signature'])), { valid: true });
    } finally {
      await second.close();
    }
  });
});
