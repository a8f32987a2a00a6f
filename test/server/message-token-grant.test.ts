import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { setUserStatus } from '../../src/server/identity/users.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import { startWebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, dialects, postJson, type Harness } from './harness.js';
import { sendMessage, setDeliveryStatus } from './message-fixtures.js';
import { basic, createTestUser, postForm, registerClient, withSecret, type OAuthErrorJson, type TestClient, type TokenJson } from './oauth2-fixtures.js';
import { WebhookReceiver } from './receiver.js';

announceSkips();

const MESSAGE_TOKEN_GRANT = 'urn:keyway:params:oauth:grant-type:message-token';
const UNKNOWN_UUID = '550e8400-e29b-41d4-a716-446655440000';

for (const dialect of dialects()) {
  describe(`the message-token grant (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let client: TestClient;
    let receiver: WebhookReceiver;
    before(async () => {
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      client = await registerClient(h, { grantTypes: ['authorization_code', 'refresh_token', MESSAGE_TOKEN_GRANT] });
      receiver = new WebhookReceiver();
      const hookUrl = await receiver.listen();
      assert.equal((await h.app.request('/api/v1/webhook', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ url: hookUrl }) })).status, 200);
    });
    after(async () => {
      await receiver.close();
      await h.close();
    });

    const exchange = (token: string, by: TestClient = client, extra: Record<string, string> = {}) => postForm(h.app, '/oauth2/token', withSecret(by, { grant_type: MESSAGE_TOKEN_GRANT, token, ...extra }));
    const refusedWith = async (response: Response, code: string) => {
      assert.equal(response.status, 400);
      const body = (await response.json()) as OAuthErrorJson;
      assert.equal(body.error, 'invalid_grant');
      assert.equal(body.code, code);
      assert.ok(body.error_description.length > 0);
    };
    const usedAt = async (messageId: string) => (await h.store.db.selectFrom('messages').select('token_used_at').where('id', '=', messageId).executeTakeFirstOrThrow()).token_used_at;

    it('exchanges a message token once for a session of the message user, then answers invalid_grant', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const response = await postForm(h.app, '/oauth2/token', { grant_type: MESSAGE_TOKEN_GRANT, token: message.token }, { authorization: basic(client) });
      assert.equal(response.status, 200);
      const answer = (await response.json()) as TokenJson;
      assert.equal(answer.token_type, 'Bearer');
      assert.equal(answer.code, 'OK');
      assert.ok(answer.refresh_token);
      assert.ok(answer.id_token, 'openid is the default scope, so an ID token comes with it');
      assert.equal(decodeJwt(answer.access_token).sub, user.id);
      assert.equal(decodeJwt(answer.id_token).sub, user.id);
      assert.equal(answer.data?.['email'], user.email);
      const self = await h.app.request('/users/self', { headers: { authorization: `Bearer ${answer.access_token}` } });
      assert.equal(self.status, 200);
      assert.notEqual(await usedAt(message.messageId), null);

      await refusedWith(await exchange(message.token), 'token_used');
      // Upper case is the same UUID, and just as used.
      await refusedWith(await exchange(message.token.toUpperCase()), 'token_used');
    });

    it('delivers MESSAGE_TOKEN_USED, signed, to the tenant webhook', async () => {
      receiver.deliveries.length = 0;
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      assert.equal((await exchange(message.token)).status, 200);
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} });
      await worker.drain();
      await worker.stop();
      // The earlier sign-in's event goes out in the same drain.
      const deliveries = await receiver.waitFor(2);
      const used = deliveries.map((delivery) => ({ delivery, event: JSON.parse(delivery.body) as Record<string, unknown> })).find(({ event }) => event['status'] === 'MESSAGE_TOKEN_USED' && event['message_id'] === message.messageId);
      assert.ok(used, 'a MESSAGE_TOKEN_USED event arrived');
      assert.deepEqual(verifyWebhook(h.webhookSecret, used.delivery.body, String(used.delivery.headers['keyway-signature'])), { valid: true });
      assert.equal(used.event['user_id'], user.id);
      assert.equal(used.event['client_id'], client.id);
      assert.equal(used.event['agent_id'], 42);
      assert.ok(!used.delivery.body.includes(message.token), 'the token itself never travels in the event');
    });

    it('refuses malformed and unknown tokens with invalid_grant and changes nothing', async () => {
      const before = await h.store.db.selectFrom('token_families').select('id').execute();
      await refusedWith(await exchange('not-a-uuid'), 'token_malformed');
      await refusedWith(await exchange(UNKNOWN_UUID), 'token_unknown');
      assert.equal((await h.store.db.selectFrom('token_families').select('id').execute()).length, before.length);
    });

    it('refuses an expired token', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const row = await h.store.db.selectFrom('messages').select('token_expires_at').where('id', '=', message.messageId).executeTakeFirstOrThrow();
      h.clock.advance(Number(row.token_expires_at) - h.clock.now);
      await refusedWith(await exchange(message.token), 'token_expired');
      assert.equal(await usedAt(message.messageId), null);
    });

    it('refuses the token of a message whose delivery failed, or that is still scheduled', async () => {
      const user = await createTestUser(h);
      const failed = await sendMessage(h, user.id);
      await setDeliveryStatus(h, failed.messageId, 'failed');
      await refusedWith(await exchange(failed.token), 'message_failed');
      const scheduled = await sendMessage(h, user.id, { delivery: { scheduleDateTime: new Date(h.clock.now + 3_600_000).toISOString() } });
      assert.equal(scheduled.status, 'scheduled');
      await refusedWith(await exchange(scheduled.token), 'message_not_delivered');
      assert.equal(await usedAt(failed.messageId), null);
      assert.equal(await usedAt(scheduled.messageId), null);
    });

    it('refuses the token of an inactive client, and lets it sign in once the client is active again', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      await setUserStatus(h.store.db, h.tenantId, user.id, 'INACTIVE', h.clock.now);
      await refusedWith(await exchange(message.token), 'user_inactive');
      await setUserStatus(h.store.db, h.tenantId, user.id, 'ACTIVE', h.clock.now);
      assert.equal((await exchange(message.token)).status, 200);
    });

    it('refuses an OAuth client not registered for the grant, before looking at the token', async () => {
      const plain = await registerClient(h);
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const response = await exchange(message.token, plain);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as OAuthErrorJson).error, 'unauthorized_client');
      assert.equal(await usedAt(message.messageId), null);
      // A wrong secret is an unauthenticated client.
      assert.equal((await exchange(message.token, { id: client.id, secret: 'kwcs_wrong' })).status, 401);
      assert.equal(await usedAt(message.messageId), null);
    });

    it('never lets another tenant sign in with a token, and leaves it usable by its own tenant', async () => {
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'other', now: h.clock.now });
      const foreignClient = await registerClient(h, { tenantId: other.tenantId, grantTypes: [MESSAGE_TOKEN_GRANT] });
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      await refusedWith(await exchange(message.token, foreignClient), 'token_unknown');
      const answer = (await (await exchange(message.token)).json()) as TokenJson;
      assert.equal(decodeJwt(answer.access_token).sub, user.id);
    });

    it('asks for no more than the scopes it knows', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const refused = await exchange(message.token, client, { scope: 'admin' });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as OAuthErrorJson).error, 'invalid_scope');
      const answer = (await (await exchange(message.token, client, { scope: 'email' })).json()) as TokenJson;
      assert.equal(answer.scope, 'email');
      assert.equal(answer.id_token, undefined);
    });

    it('counts failed tokens per address and per OAuth client, so they cannot be guessed', async () => {
      const guesser = await registerClient(h, { grantTypes: [MESSAGE_TOKEN_GRANT] });
      let last: Response | undefined;
      for (let attempt = 0; attempt < 25; attempt += 1) {
        last = await exchange(`${UNKNOWN_UUID.slice(0, -2)}${String(attempt).padStart(2, '0')}`, guesser);
        if (last.status === 429) break;
      }
      assert.equal(last?.status, 429);
      assert.ok(last?.headers.get('retry-after'));
      // Blocked: even a right token from this client is not looked at.
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      assert.equal((await exchange(message.token, guesser)).status, 429);
      assert.equal(await usedAt(message.messageId), null);
    });

    it('is advertised in discovery and can be given to an OAuth client', async () => {
      const document = (await (await h.app.request('/.well-known/openid-configuration')).json()) as { grant_types_supported: string[] };
      assert.ok(document.grant_types_supported.includes(MESSAGE_TOKEN_GRANT));
      const created = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Listings', redirect_uris: ['https://a.test/cb'], grant_types: [MESSAGE_TOKEN_GRANT] }, { 'x-api-key': h.apiKey });
      assert.equal(created.status, 201);
      assert.deepEqual(((await created.json()) as { grant_types: string[] }).grant_types, [MESSAGE_TOKEN_GRANT]);
      // A public client has no secret: a token leaked from a mail would be all it takes.
      const publicOne = await postJson(h.app, '/api/v1/oauth/clients', { name: 'Listings SPA', redirect_uris: ['https://a.test/cb'], grant_types: [MESSAGE_TOKEN_GRANT], public: true }, { 'x-api-key': h.apiKey });
      assert.equal(publicOne.status, 422);
      assert.match(await publicOne.text(), /public client cannot use the message-token grant/);
    });
  });
}
