import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import { demoTotpCode, startKeyway, type TestKeyway } from '../../src/testing/index.js';
import { WebhookReceiver } from './receiver.js';

// keyway/testing runs on in-memory SQLite by design (an integrator's test needs no database server),
// so this file has no PostgreSQL run.

type FlowJson = { status: string; step: { id: string; kind: string; accountId?: string } };

describe('keyway/testing: startKeyway()', () => {
  let keyway: TestKeyway;
  const receiver = new WebhookReceiver();
  let notifyUrl: string;
  before(async () => {
    [keyway, notifyUrl] = await Promise.all([startKeyway(), receiver.listen()]);
  });
  after(async () => {
    await receiver.close();
    await keyway?.close();
  });

  const call = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${keyway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('listens on a free loopback port with one tenant whose API key creates links', async () => {
    assert.match(keyway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(keyway.url).port, '0');
    const refused = await call('/api/v1/hosted/accounts/link', {}, { 'x-api-key': 'kw_wrong' });
    assert.equal(refused.status, 401);
    const health = await fetch(`${keyway.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('connects a demo account with the exposed TOTP secret, and signs the webhook with webhookSecret', async () => {
    const linked = await call(
      '/api/v1/hosted/accounts/link',
      { type: 'create', providers: ['DEMO'], api_url: keyway.url, expiresOn: new Date(Date.now() + 600_000).toISOString(), notify_url: notifyUrl, name: 'kit-user' },
      { 'x-api-key': keyway.apiKey },
    );
    assert.equal(linked.status, 201);
    const link = ((await linked.json()) as { url: string }).url.split('/connect/')[1];
    const opened = (await (await call('/api/v1/flows', { link })).json()) as { token: string; flow: FlowJson };
    const auth = { authorization: `Bearer ${opened.token}` };
    const step = async (input: Record<string, unknown>) => (await (await call('/api/v1/flows/current/steps', input, auth)).json()) as FlowJson;
    const credentials = await step({ kind: 'providers', stepId: opened.flow.step.id, provider: 'DEMO' });
    const mfa = await step({ kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo' } });
    assert.equal(mfa.step.kind, 'mfa');
    const done = await step({ kind: 'mfa', stepId: mfa.step.id, code: demoTotpCode() });
    assert.equal(done.status, 'succeeded');

    const [delivery] = await receiver.waitFor(1);
    assert.ok(delivery);
    assert.deepEqual(verifyWebhook(keyway.webhookSecret, delivery.body, delivery.headers['keyway-signature'] as string), { valid: true });
    assert.equal((JSON.parse(delivery.body) as { account_id: string }).account_id, done.step.accountId);
  });

  it('close() stops the server', async () => {
    const other = await startKeyway();
    await other.close();
    await assert.rejects(fetch(`${other.url}/healthz`));
  });
});
