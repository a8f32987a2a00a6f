import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import { startWebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';
import { keywayEnv, removeDataDir, runKeywayCli } from './keyway-process.js';
import { createIdentity, refresh, signIn, type Identity, type TokenJson } from './oauth2-fixtures.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`sign-in events at the tenant's webhook URL (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let receiver: WebhookReceiver;
    let hookUrl: string;
    let identity: Identity;
    before(async () => {
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      receiver = new WebhookReceiver();
      hookUrl = await receiver.listen();
      identity = await createIdentity(h);
    });
    after(async () => {
      await receiver.close();
      await h.close();
    });

    const webhook = (method: string, body?: unknown, key = h.apiKey) =>
      h.app.request('/api/v1/webhook', { method, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const deliver = async (count: number) => {
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} });
      await worker.drain();
      await worker.stop();
      return receiver.waitFor(count);
    };

    it('keeps the webhook URL a tenant sets, and refuses what is not one', async () => {
      assert.equal((await webhook('GET')).status, 404);
      for (const bad of [{ url: 'javascript:alert(1)' }, { url: '/relative' }, { href: hookUrl }, {}]) assert.equal((await webhook('PUT', bad)).status, 422, JSON.stringify(bad));
      assert.equal((await webhook('PUT', { url: hookUrl })).status, 200);
      assert.deepEqual(await (await webhook('GET')).json(), { url: hookUrl });
    });

    it('sends a signed USER_SIGNED_IN when a login URL signs the user in', async () => {
      const created = await postJson(h.app, `/api/v1/users/${identity.user.id}/login_url`, { client_id: identity.client.id, redirect_uri: 'https://app.acme.test/callback' }, { 'x-api-key': h.apiKey });
      const code = new URL(((await created.json()) as { login_url: string }).login_url).searchParams.get('code');
      const { token, flow } = (await (await postJson(h.app, '/api/v1/flows', { link: code })).json()) as { token: string; flow: FlowJson };
      await postJson(h.app, '/api/v1/flows/current/steps', { kind: 'confirm', stepId: flow.step.id }, { authorization: `Bearer ${token}` });
      const [delivery] = await deliver(1);
      const event = JSON.parse(delivery!.body) as Record<string, unknown>;
      assert.deepEqual(
        { status: event['status'], user: event['user_id'], client: event['client_id'], method: event['method'] },
        { status: 'USER_SIGNED_IN', user: identity.user.id, client: identity.client.id, method: 'login_url' },
      );
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery!.body, String(delivery!.headers['keyway-signature'])), { valid: true });
    });

    it('sends REFRESH_TOKEN_REUSED with the session when a rotated refresh token comes back', async () => {
      receiver.deliveries.length = 0;
      const first = await signIn(h, identity);
      const second = (await (await refresh(h, identity.client, first.refresh_token as string)).json()) as TokenJson;
      await refresh(h, identity.client, second.refresh_token as string);
      h.clock.advance(11_000);
      const replay = await refresh(h, identity.client, first.refresh_token as string);
      assert.equal(replay.status, 400);
      const [delivery] = await deliver(1);
      const event = JSON.parse(delivery!.body) as Record<string, unknown>;
      assert.equal(event['status'], 'REFRESH_TOKEN_REUSED');
      assert.equal(event['user_id'], identity.user.id);
      assert.equal(typeof event['session_id'], 'string');
    });

    it('sends nothing once the URL is removed', async () => {
      assert.equal((await webhook('DELETE')).status, 204);
      const before = (await h.store.db.selectFrom('webhook_outbox').select('id').execute()).length;
      await signIn(h, identity);
      const first = await signIn(h, identity);
      await refresh(h, identity.client, first.refresh_token as string);
      h.clock.advance(11_000);
      await refresh(h, identity.client, first.refresh_token as string);
      assert.equal((await h.store.db.selectFrom('webhook_outbox').select('id').execute()).length, before);
    });
  });
}

describe('keyway tenants webhook', () => {
  it('sets and clears the URL, and refuses a private one without the opt-in', async () => {
    const env = keywayEnv();
    try {
      assert.equal((await runKeywayCli(env, ['keys', 'create', '--tenant', 'acme'])).code, 0);
      const set = await runKeywayCli(env, ['tenants', 'webhook', '--tenant', 'acme', '--url', 'https://hooks.acme.test/keyway']);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /go to https:\/\/hooks\.acme\.test\/keyway/);
      const refused = await runKeywayCli(env, ['tenants', 'webhook', '--tenant', 'acme', '--url', 'http://127.0.0.1:9/hooks']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /public address/);
      assert.equal((await runKeywayCli(env, ['tenants', 'webhook', '--tenant', 'nobody', '--url', 'https://hooks.acme.test/x'])).code, 2);
      assert.equal((await runKeywayCli(env, ['tenants', 'webhook', '--tenant', 'acme', '--clear'])).code, 0);
    } finally {
      removeDataDir(env);
    }
  });
});
