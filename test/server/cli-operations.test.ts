import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keywayEnv, removeDataDir, runKeywayCli, spawnKeyway, type KeywayProcess } from './keyway-process.js';
import { connectDemoOverHttp } from './http-flow.js';
import { WebhookReceiver } from './receiver.js';

/** The operator's commands against a running instance's own database, as an operator runs them. */
describe('keyway keys, links and webhooks commands', () => {
  const env = keywayEnv({ KEYWAY_ALLOW_PRIVATE_WEBHOOKS: '1' });
  const receiver = new WebhookReceiver();
  let keyway: KeywayProcess;
  let apiKey: string;

  before(async () => {
    keyway = await spawnKeyway(env, ['start', '--demo']);
    const created = await runKeywayCli(env, ['keys', 'create', '--tenant', 'ops', '--label', 'ops-key']);
    assert.equal(created.code, 0, created.stderr);
    apiKey = /^API key: (\S+)/m.exec(created.stdout)?.[1] ?? '';
  });
  after(async () => {
    keyway?.child.kill('SIGTERM');
    await keyway?.exited(15_000);
    await receiver.close();
    removeDataDir(env);
  });

  const listUsers = (key: string) => fetch(`${keyway.url}/api/v1/users`, { headers: { 'x-api-key': key } });

  it('lists keys without their secrets, and a revoked key stops working', async () => {
    const keyId = /^kw_([A-Za-z0-9_-]{12})_/.exec(apiKey)?.[1] ?? '';
    const listed = await runKeywayCli(env, ['keys', 'list', '--tenant', 'ops']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`ops\\s+${keyId}\\s+api\\s+ops-key`));
    assert.ok(!listed.stdout.includes(apiKey), 'the secret is never printed');
    assert.equal((await listUsers(apiKey)).status, 200);

    const revoked = await runKeywayCli(env, ['keys', 'revoke', keyId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked key/);
    let status = 200;
    for (const deadline = Date.now() + 15_000; status === 200 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) status = (await listUsers(apiKey)).status;
    assert.equal(status, 401, 'the running server refuses the revoked key');
    assert.doesNotMatch((await runKeywayCli(env, ['keys', 'list', '--tenant', 'ops'])).stdout, new RegExp(keyId));
    assert.match((await runKeywayCli(env, ['keys', 'list', '--tenant', 'ops', '--all'])).stdout, new RegExp(`${keyId}.*\\d{4}-\\d\\d-\\d\\dT.*\\d{4}-\\d\\d-\\d\\dT`));

    const unknown = await runKeywayCli(env, ['keys', 'revoke', 'nosuchkeyid0']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no key has the id/);
    const pasted = await runKeywayCli(env, ['keys', 'revoke', apiKey]);
    assert.ok(!`${pasted.stdout}${pasted.stderr}`.includes(apiKey), 'a pasted secret is not echoed');
  });

  it('creates a link through the running server’s API, and fails clearly without a valid key', async () => {
    const key = /^API key: (\S+)/m.exec((await runKeywayCli(env, ['keys', 'create', '--tenant', 'ops'])).stdout)?.[1] ?? '';
    const made = await runKeywayCli({ ...env, KEYWAY_API_KEY: key }, ['links', 'create', '--url', keyway.url, '--provider', 'DEMO', '--expires-in', '600']);
    assert.equal(made.code, 0, made.stderr);
    const url = made.stdout.trim();
    assert.match(url, /\/connect\/[A-Za-z0-9_-]+$/);
    assert.equal((await fetch(url)).status, 200, 'the printed link opens the wizard');

    const wrong = await runKeywayCli({ ...env, KEYWAY_API_KEY: 'kw_wrong' }, ['links', 'create', '--url', keyway.url]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /API key/i);
    const missing = await runKeywayCli({ ...env, KEYWAY_API_KEY: '' }, ['links', 'create', '--url', keyway.url]);
    assert.equal(missing.code, 2);
    assert.equal((await runKeywayCli({ ...env, KEYWAY_API_KEY: key }, ['links', 'create', '--expires-in', '5'])).code, 2);
  });

  it('lists webhook deliveries and redelivers one by its event id', async () => {
    const key = /^API key: (\S+)/m.exec((await runKeywayCli(env, ['keys', 'create', '--tenant', 'ops'])).stdout)?.[1] ?? '';
    const notifyUrl = await receiver.listen();
    const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ type: 'create', providers: ['DEMO'], api_url: keyway.url, expiresOn: new Date(Date.now() + 600_000).toISOString(), notify_url: notifyUrl }),
    });
    assert.equal(response.status, 201);
    const done = await connectDemoOverHttp(keyway.url, ((await response.json()) as { url: string }).url);
    assert.equal(done.status, 'succeeded');
    const [first] = await receiver.waitFor(1, 10_000);
    const eventId = String(first?.headers['keyway-event-id']);

    const listed = await runKeywayCli(env, ['webhooks', 'list', '--tenant', 'ops', '--status', 'delivered']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${eventId}\\s+ops\\s+delivered\\s+1`));
    assert.doesNotMatch((await runKeywayCli(env, ['webhooks', 'list', '--status', 'failed'])).stdout, new RegExp(eventId));

    const again = await runKeywayCli(env, ['webhooks', 'redeliver', eventId]);
    assert.equal(again.code, 0, again.stderr);
    const deliveries = await receiver.waitFor(2, 15_000);
    assert.equal(deliveries[1]?.headers['keyway-event-id'], eventId);
    assert.equal(deliveries[1]?.body, first?.body, 'the same event, signed anew');

    assert.equal((await runKeywayCli(env, ['webhooks', 'redeliver', 'no-such-event'])).code, 2);
    assert.equal((await runKeywayCli(env, ['webhooks', 'list', '--status', 'lost'])).code, 2);
  });
});
