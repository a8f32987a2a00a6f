import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { startRenewalWorker } from '../../src/server/accounts/renewal.js';
import type { ProviderEntry } from '../../src/server/providers/adapter.js';
import { newId } from '../../src/server/security/tokens.js';
import { enqueueWebhook } from '../../src/server/webhooks/outbox.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

/** A receiver that accepts connections and never answers (until told to), counting requests open at once. */
class HangingReceiver {
  received = 0;
  open = 0;
  maxOpen = 0;
  answer = false;
  #server: Server = createServer((request, response) => {
    this.received += 1;
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    response.once('close', () => (this.open -= 1));
    request.resume();
    if (this.answer) request.once('end', () => response.writeHead(204).end());
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const event = (now: number) => ({ status: 'CREATION_SUCCESS' as const, account_id: newId(), name: 'user', event_id: newId(), provider: 'DEMO', occurred_at: new Date(now).toISOString() });

for (const dialect of dialects()) {
  describe(`webhook worker isolation and leases (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    const hanging = new HangingReceiver();
    const healthy = new WebhookReceiver();
    const workers: WebhookWorker[] = [];
    after(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      await Promise.all([hanging.close(), healthy.close()]);
      await h?.close();
    });

    const options = () => ({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, connectTimeoutMs: 1000, timeoutMs: 5000, log: () => {} });
    const outbox = (url: string) => h.store.db.selectFrom('webhook_outbox').selectAll().where('url', '=', url).orderBy('next_attempt_at').execute();

    it("does not hold back a healthy receiver's webhook behind a receiver that never answers, nor send that one more than two at once", async () => {
      h = await createHarness(dialect.url as string);
      const hangingUrl = await hanging.listen();
      const healthyUrl = await healthy.listen();
      for (let i = 3; i > 0; i -= 1) await enqueueWebhook(h.store.db, { tenantId: h.tenantId, url: hangingUrl, event: event(h.clock.now), now: h.clock.now - i });
      const worker = startWebhookWorker(options());
      workers.push(worker);
      worker.kick();
      await until(() => hanging.received >= 2, 'two requests at the hanging receiver');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(hanging.received, 2, 'the third row waits: two are in flight to that receiver');

      // As the engine does when a flow ends: enqueue, then kick.
      await enqueueWebhook(h.store.db, { tenantId: h.tenantId, url: healthyUrl, event: event(h.clock.now), now: h.clock.now });
      const queuedAt = Date.now();
      worker.kick();
      await healthy.waitFor(1, 3000);
      const latency = Date.now() - queuedAt;
      assert.ok(latency < 1500, `the healthy receiver's webhook took ${latency} ms`);
      assert.ok(hanging.maxOpen <= 2, `${hanging.maxOpen} requests were open at once at the hanging receiver`);
      await until(async () => (await outbox(healthyUrl))[0]?.delivered_at != null, 'the healthy delivery to be recorded');

      const rows = await outbox(hangingUrl);
      assert.deepEqual(rows.map((row) => row.attempts), [1, 1, 0]);
      assert.equal(rows[2]?.locked_until, null, 'the row over the cap is not claimed and held');
      for (const row of rows.slice(0, 2)) assert.equal(row.locked_until, h.clock.now + 1000 + 5000 + 5000, 'leased for connect + response timeout + 5 s');
    });

    it('on stop aborts the hanging deliveries at once and releases their leases, so a second worker delivers them without waiting', async () => {
      const [first] = workers.splice(0, 1);
      assert.ok(first);
      const stopStarted = Date.now();
      await first.stop();
      const stopTook = Date.now() - stopStarted;
      assert.ok(stopTook < 1500, `stop took ${stopTook} ms; the response timeout is 5 s`);
      await until(() => hanging.open === 0, 'the hanging requests to be closed');

      const held = await h.store.db.selectFrom('webhook_outbox').selectAll().where('delivered_at', 'is', null).execute();
      assert.equal(held.length, 3);
      for (const row of held) {
        assert.equal(row.locked_until, null, 'no lease left behind');
        assert.equal(row.failed_at, null);
        assert.ok(row.next_attempt_at <= h.clock.now, 'due at once, not after a backoff');
      }

      // The clock has not moved, so only a released lease lets these rows be claimed again.
      hanging.answer = true;
      const second = startWebhookWorker(options());
      workers.push(second);
      const started = Date.now();
      assert.equal(await second.drain(), 3);
      assert.ok(Date.now() - started < 1500);
      const rows = await h.store.db.selectFrom('webhook_outbox').select(['delivered_at']).execute();
      assert.ok(rows.every((row) => row.delivered_at !== null), 'every webhook delivered');
    });
  });

  describe(`account renewal on stop (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness | undefined;
    afterEach(async () => h?.close());

    it('lets the renewal under way finish and releases the leases of the accounts it had not started', async () => {
      let openGate: () => void = () => {};
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const renewed: string[] = [];
      const slow: ProviderEntry = {
        summary: { id: 'SLOW', name: 'Slow', method: 'credentials' },
        adapter: {
          plan: ['credentials'],
          start: () => Promise.reject(new Error('not used')),
          submit: () => Promise.reject(new Error('not used')),
          async renew(secrets) {
            renewed.push(String(secrets['n']));
            if (renewed.length === 1) await gate;
            return { type: 'renewed', secrets };
          },
        },
      };
      h = await createHarness(dialect.url as string, { providers: [slow] });
      const harness = h;
      const now = harness.clock.now;
      for (const n of [1, 2, 3]) {
        await harness.store.db
          .insertInto('accounts')
          .values({
            id: `acct_${n}`,
            tenant_id: harness.tenantId,
            provider: 'SLOW',
            name: null,
            status: 'OK',
            external_id: null,
            sealed_secrets: harness.services.sealer.sealJson({ n }),
            notify_url: null,
            renew_at: now - 10 + n,
            renew_lease_until: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const options = { store: harness.store, sealer: harness.services.sealer, catalogue: harness.services.catalogue, clock: harness.clock.read, pollMs: 60_000, log: () => {} };
      const first = startRenewalWorker(options);
      first.kick();
      await until(() => renewed.length === 1, 'the first renewal to start');
      const stopped = first.stop();
      openGate();
      await stopped;

      const accounts = await harness.store.db.selectFrom('accounts').select(['id', 'renew_at', 'renew_lease_until']).orderBy('id').execute();
      assert.deepEqual(renewed, ['1'], 'no renewal started after stop');
      assert.deepEqual(accounts.map((account) => account.renew_lease_until), [null, null, null]);
      assert.equal(accounts[0]?.renew_at, null, 'the renewal under way was recorded');
      assert.ok(accounts.slice(1).every((account) => account.renew_at !== null && account.renew_at <= now), 'the others are still due');

      const second = startRenewalWorker(options);
      try {
        assert.equal(await second.drain(), 2, 'another worker renews them at once');
      } finally {
        await second.stop();
      }
      assert.deepEqual(renewed, ['1', '2', '3']);
    });
  });
}
