import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLinkExpiryWorker } from '../../src/server/flows/link-expiry.js';
import { startWebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, postJson, submitOk, toMfaStep, totpCode, type Harness } from './harness.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

const HOUR = 60 * 60 * 1000;

for (const dialect of dialects()) {
  describe(`expired links are reported (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let receiver: WebhookReceiver;
    let notifyUrl: string;
    before(async () => {
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      receiver = new WebhookReceiver();
      notifyUrl = await receiver.listen();
    });
    after(async () => {
      await receiver.close();
      await h.close();
    });

    const outbox = () => h.store.db.selectFrom('webhook_outbox').select(['body', 'url']).orderBy('created_at').execute();
    const open = (token: string) => postJson(h.app, '/api/v1/flows', { link: token });

    it('sends CREATION_FAILED with reason link_expired once when an expired link is opened, however often', async () => {
      const before = (await outbox()).length;
      const token = await createLink(h, { notify_url: notifyUrl, name: 'user-7', new_link_url: 'https://app.acme.test/new-link' });
      h.clock.advance(2 * HOUR);
      for (let n = 0; n < 3; n += 1) {
        const response = await open(token);
        assert.equal(response.status, 410);
        const body = (await response.json()) as { error: { code: string; details: Record<string, unknown> } };
        assert.equal(body.error.code, 'link_expired');
        assert.equal(body.error.details['newLinkUrl'], 'https://app.acme.test/new-link');
        assert.equal(body.error.details['redirectUrl'], 'https://app.acme.test/failed?reason=link_expired');
      }
      const queued = (await outbox()).slice(before);
      assert.equal(queued.length, 1, 'one webhook for the link');
      const event = JSON.parse(queued[0]!.body) as Record<string, unknown>;
      assert.deepEqual({ status: event['status'], reason: event['reason'], name: event['name'], account_id: event['account_id'] }, { status: 'CREATION_FAILED', reason: 'link_expired', name: 'user-7', account_id: null });

      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} });
      await worker.drain();
      await worker.stop();
      const [delivery] = await receiver.waitFor(1);
      assert.equal((JSON.parse(delivery!.body) as { reason: string }).reason, 'link_expired', 'a real receiver gets it');
    });

    it('sends RECONNECT_FAILED for an expired reconnect link', async () => {
      const { token, flow } = await toMfaStep(h);
      const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      const before = (await outbox()).length;
      const link = await createLink(h, { type: 'reconnect', reconnect_account: done.step['accountId'], providers: '*', notify_url: notifyUrl });
      h.clock.advance(2 * HOUR);
      assert.equal((await open(link)).status, 410);
      const [row] = (await outbox()).slice(before);
      assert.equal((JSON.parse(row!.body) as { status: string }).status, 'RECONNECT_FAILED');
    });

    it('reports a link that expires unopened when the host asked for it, once, and not one that was opened or did not ask', async () => {
      const worker = startLinkExpiryWorker({ store: h.store, clock: h.clock.read, pollMs: 60_000, log: () => {} });
      try {
        const before = (await outbox()).length;
        const asked = await createLink(h, { notify_url: notifyUrl, notify_on_expiry: true, name: 'asked' });
        await createLink(h, { notify_url: notifyUrl, name: 'did-not-ask' });
        const opened = await createLink(h, { notify_url: notifyUrl, notify_on_expiry: true, name: 'opened' });
        await openFlow(h, opened);
        await worker.drain();
        assert.equal((await outbox()).length, before, 'nothing before expiry');
        h.clock.advance(2 * HOUR);
        await worker.drain();
        await worker.drain();
        const expiryEvents = (await outbox()).slice(before).map((row) => JSON.parse(row.body) as { name: string; reason?: string });
        assert.deepEqual(expiryEvents.filter((event) => event.name !== 'opened').map((event) => [event.name, event.reason]), [['asked', 'link_expired']]);
        assert.equal((await open(asked)).status, 410);
        assert.equal((await outbox()).slice(before).filter((row) => row.body.includes('"asked"')).length, 1, 'opening it later reports nothing more');
      } finally {
        await worker.stop();
      }
    });

    it('refuses notify_on_expiry and new_link_url of the wrong kind', async () => {
      for (const bad of [{ notify_on_expiry: 'yes' }, { new_link_url: 'javascript:alert(1)' }, { new_link_url: '/relative' }]) {
        const response = await postJson(h.app, '/api/v1/hosted/accounts/link', { type: 'create', providers: '*', api_url: 'https://api.acme.test', expiresOn: new Date(h.clock.now + HOUR).toISOString(), ...bad }, { 'x-api-key': h.apiKey });
        assert.equal(response.status, 422, JSON.stringify(bad));
      }
    });

    it('offers the new-link page on the failure step of a flow whose link runs out while it is open', async () => {
      const { token } = await openFlow(h, await createLink(h, { new_link_url: 'https://app.acme.test/new-link' }));
      // Past the flow's 30 minutes, within the hour its token may still read the outcome.
      h.clock.advance(45 * 60 * 1000);
      const current = (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as { step: Record<string, unknown> };
      assert.equal(current.step['reason'], 'link_expired');
      assert.equal(current.step['newLinkUrl'], 'https://app.acme.test/new-link');
    });
  });
}
