import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { smtpTransport } from '../../src/server/messages/mail-transport.js';
import { startMailWorker, type MailWorker } from '../../src/server/messages/mailer.js';
import { messageDelivery } from '../../src/server/messages/message-delivery.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { verifyWebhook } from '../../src/server/webhooks/signature.js';
import { startWebhookWorker } from '../../src/server/webhooks/worker.js';
import { announceSkips, createHarness, dialects, postJson, TestClock, type Harness } from './harness.js';
import { WebhookReceiver } from './receiver.js';
import { freePort, SmtpSink, until } from './smtp-sink.js';

announceSkips();

type MessageJson = { messageId: string; clientId: string; agentId: number | string; token: string | null; delivery: { status: string; sentDateTime: string | null; scheduleDateTime: string | null; failureReason?: string } };

const message = (overrides: Record<string, unknown> = {}) => ({
  email: 'ann@example.com',
  agentId: 42,
  sender: 'agent',
  source: 'bot',
  content: { message: 'A new listing: https://homes.example/l/1' },
  ...overrides,
});

for (const dialect of dialects()) {
  describe(`message delivery: status and webhooks (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let smtpUrl: string;
    let receiver: WebhookReceiver;
    const workers: MailWorker[] = [];
    before(async () => {
      h = await createHarness(dialect.url as string, { allowPrivateWebhooks: true });
      smtp = new SmtpSink();
      smtpUrl = `smtp://127.0.0.1:${await smtp.listen()}`;
      receiver = new WebhookReceiver();
      const hookUrl = await receiver.listen();
      const put = await h.app.request('/api/v1/webhook', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify({ url: hookUrl }) });
      assert.equal(put.status, 200);
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      receiver.deliveries.length = 0;
    });
    after(async () => {
      await receiver.close();
      await smtp.close();
      await h.close();
    });

    const send = async (body: unknown) => {
      const response = await postJson(h.app, '/api/v1/messages', body, { 'x-api-key': h.apiKey });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as MessageJson;
    };
    const read = async (id: string) => (await (await h.app.request(`/api/v1/messages/${id}`, { headers: { 'x-api-key': h.apiKey } })).json()) as MessageJson;
    const drainMail = async () => {
      const worker = startMailWorker({ store: h.store, sealer: h.services.sealer, transport: smtpTransport(smtpUrl), from: { name: 'Keyway', address: 'no-reply@keyway.test' }, clock: h.clock.read, pollMs: 60_000, log: () => {}, settle: { message: messageDelivery({}) } });
      workers.push(worker);
      return worker.drain();
    };
    const drainWebhooks = async (count: number) => {
      const worker = startWebhookWorker({ store: h.store, sealer: h.services.sealer, clock: h.clock.read, pollMs: 60_000, allowPrivate: true, log: () => {} });
      await worker.drain();
      await worker.stop();
      return receiver.waitFor(count);
    };

    it('goes queued → sent, and a signed MESSAGE_SENT reaches the tenant’s webhook', async () => {
      const sent = await send(message());
      assert.equal(sent.delivery.status, 'queued');
      assert.equal((await read(sent.messageId)).delivery.status, 'queued');
      assert.equal(await drainMail(), 1);
      const settled = await read(sent.messageId);
      assert.equal(settled.delivery.status, 'sent');
      assert.equal(settled.delivery.sentDateTime, new Date(h.clock.now).toISOString());
      assert.equal(settled.delivery.failureReason, undefined);
      const [delivery] = await drainWebhooks(1);
      const event = JSON.parse(delivery!.body) as Record<string, unknown>;
      assert.deepEqual({ status: event['status'], message: event['message_id'], user: event['user_id'], agent: event['agent_id'] }, { status: 'MESSAGE_SENT', message: sent.messageId, user: sent.clientId, agent: 42 });
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery!.body, String(delivery!.headers['keyway-signature'])), { valid: true });
      assert.ok(!delivery!.body.includes(sent.token as string), 'the event does not carry the token');
    });

    it('becomes failed with the reason when the SMTP server refuses the mailbox, and MESSAGE_FAILED is sent', async () => {
      smtp.refuse.add('gone@example.com');
      const sent = await send(message({ email: 'gone@example.com' }));
      await drainMail();
      const failed = await read(sent.messageId);
      assert.equal(failed.delivery.status, 'failed');
      assert.equal(failed.delivery.sentDateTime, null);
      assert.match(failed.delivery.failureReason ?? '', /550|no such mailbox/);
      const [delivery] = await drainWebhooks(1);
      const event = JSON.parse(delivery!.body) as Record<string, unknown>;
      assert.equal(event['status'], 'MESSAGE_FAILED');
      assert.equal(event['message_id'], sent.messageId);
      assert.match(String(event['reason']), /no such mailbox/);
      assert.deepEqual(verifyWebhook(h.webhookSecret, delivery!.body, String(delivery!.headers['keyway-signature'])), { valid: true });
    });

    it('keeps a scheduled message until its time, then sends it', async () => {
      const at = h.clock.now + 60 * 60 * 1000;
      const sent = await send(message({ email: 'later@example.com', delivery: { scheduleDateTime: new Date(at).toISOString() } }));
      assert.equal(sent.delivery.status, 'scheduled');
      assert.equal(sent.delivery.scheduleDateTime, new Date(at).toISOString());
      const mailsBefore = smtp.mails.length;
      h.clock.advance(59 * 60 * 1000);
      assert.equal(await drainMail(), 0, 'nothing leaves before its time');
      assert.equal((await read(sent.messageId)).delivery.status, 'scheduled');
      h.clock.advance(60 * 1000);
      assert.equal((await read(sent.messageId)).delivery.status, 'queued', 'due, waiting for the worker');
      assert.equal(await drainMail(), 1);
      await smtp.waitFor(mailsBefore + 1);
      assert.deepEqual(smtp.mails.at(-1)?.envelope.to, ['later@example.com']);
      assert.equal((await read(sent.messageId)).delivery.status, 'sent');
      const stored = await h.store.db.selectFrom('messages').select(['token_expires_at', 'schedule_at']).where('id', '=', sent.messageId).executeTakeFirstOrThrow();
      assert.equal(stored.token_expires_at, at + 7 * 24 * 60 * 60 * 1000, 'the token lasts the default 7 days from the scheduled send');
    });
  });
}

describe('messages across a restart (SQLite file)', () => {
  let dataDir: string;
  let smtp: SmtpSink;
  const running: RunningKeyway[] = [];
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-messages-'));
  });
  after(async () => {
    await Promise.all(running.map((keyway) => keyway.close()));
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not sent before its time by the first instance, and is sent at its time by the next one on the same database', async () => {
    smtp = new SmtpSink();
    const port = await smtp.listen();
    const config = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEYWAY_SMTP_URL: `smtp://127.0.0.1:${port}` }).config;
    const clock = new TestClock();
    const start = async () => {
      const keyway = await startKeyway(config, { log: () => {}, clock: clock.read, mail: { pollMs: 50 } });
      running.push(keyway);
      return keyway;
    };
    const first = await start();
    const { apiKey } = await createApiKey(first.services.store.db, first.services.sealer, { tenantName: 'acme', now: clock.now });
    const at = clock.now + 10 * 60 * 1000;
    const response = await fetch(`${first.url}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(message({ delivery: { scheduleDateTime: new Date(at).toISOString() } })) });
    assert.equal(response.status, 201);
    const sent = (await response.json()) as MessageJson;
    await first.mail.drain();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(smtp.mails.length, 0, 'not before its time');
    await first.close();

    clock.advance(10 * 60 * 1000);
    const second = await start();
    await smtp.waitFor(1);
    assert.deepEqual(smtp.mails[0]?.envelope.to, ['ann@example.com']);
    const status = async () => ((await (await fetch(`${second.url}/api/v1/messages/${sent.messageId}`, { headers: { 'x-api-key': apiKey } })).json()) as MessageJson).delivery.status;
    await until(async () => (await status()) === 'sent', 'the message marked sent');
  });

  it('stays queued while the SMTP server is stopped, and is sent by the next instance once it is back', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'keyway-messages-'));
    const config = loadConfig({ KEYWAY_DATA_DIR: dir, KEYWAY_PORT: '0', KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEYWAY_SMTP_URL: `smtp://127.0.0.1:${port}` }).config;
    const start = async () => {
      const keyway = await startKeyway(config, { log: () => {}, mail: { pollMs: 50, backoffMs: () => 100 } });
      running.push(keyway);
      return keyway;
    };
    try {
      const first = await start();
      const { apiKey } = await createApiKey(first.services.store.db, first.services.sealer, { tenantName: 'acme', now: Date.now() });
      const status = async (keyway: RunningKeyway, id: string) => ((await (await fetch(`${keyway.url}/api/v1/messages/${id}`, { headers: { 'x-api-key': apiKey } })).json()) as MessageJson).delivery;
      const response = await fetch(`${first.url}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(message({ email: 'down@example.com' })) });
      assert.equal(response.status, 201);
      const sent = (await response.json()) as MessageJson;
      const attempted = () => first.services.store.db.selectFrom('mail_outbox').select('last_error').where('kind', '=', 'message').execute();
      await until(async () => (await attempted()).some((row) => row.last_error !== null), 'a failed attempt against the stopped server');
      assert.equal((await status(first, sent.messageId)).status, 'queued', 'a refused connection is no reason to fail the message');
      await first.close();

      const sink = new SmtpSink();
      await sink.listen(port);
      try {
        const second = await start();
        const [mail] = await sink.waitFor(1);
        assert.deepEqual(mail?.envelope.to, ['down@example.com']);
        await until(async () => (await status(second, sent.messageId)).status === 'sent', 'the message marked sent');
        assert.ok((await status(second, sent.messageId)).sentDateTime);
      } finally {
        await sink.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
