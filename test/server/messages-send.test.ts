import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { smtpTransport } from '../../src/server/messages/mail-transport.js';
import { startMailWorker, type MailWorker } from '../../src/server/messages/mailer.js';
import { messageDelivery } from '../../src/server/messages/message-delivery.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type Harness } from './harness.js';
import { SmtpSink } from './smtp-sink.js';

announceSkips();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Seed 000's example answer, the keys it shows and the type of each. */
const SEED_MESSAGE = {
  messageId: 111111111, agentId: 888888, sender: 'agent', source: 'bot', clientId: 666666, token: 'b11238d2-8a22-4d7e-87cc-f73car456ee22',
  content: { listings: [], searches: [], message: "Hi, how are you? Here's a listing you might like.", subject: null, links: ['https://www.domain.com/listings/C9231328'], pictures: [] },
  delivery: { scheduleDateTime: null, sentDateTime: '2024-08-01T00:21:26.000Z', status: 'sent' },
};

type MessageJson = typeof SEED_MESSAGE & { messageId: string; clientId: string; token: string | null };

function keysOf(value: Record<string, unknown>): string[] {
  return Object.keys(value).sort();
}

for (const dialect of dialects()) {
  describe(`POST and GET /api/v1/messages (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let smtpUrl: string;
    const workers: MailWorker[] = [];
    before(async () => {
      h = await createHarness(dialect.url as string);
      smtp = new SmtpSink();
      smtpUrl = `smtp://127.0.0.1:${await smtp.listen()}`;
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    });
    after(async () => {
      await smtp.close();
      await h.close();
    });

    const send = (body: unknown, key = h.apiKey) => postJson(h.app, '/api/v1/messages', body, { 'x-api-key': key });
    const get = (path: string, key = h.apiKey) => Promise.resolve(h.app.request(path, { headers: { 'x-api-key': key } }));
    const deliver = async () => {
      const worker = startMailWorker({ store: h.store, sealer: h.services.sealer, transport: smtpTransport(smtpUrl), from: { name: 'Keyway', address: 'no-reply@keyway.test' }, clock: h.clock.read, pollMs: 60_000, log: () => {}, settle: { message: messageDelivery({}) } });
      workers.push(worker);
      await worker.drain();
    };
    const counts = async () => ({
      messages: Number((await h.store.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      mails: Number((await h.store.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', 'message').executeTakeFirstOrThrow()).n),
      users: Number((await h.store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    });
    const valid = (overrides: Record<string, unknown> = {}) => ({
      email: 'ann@example.com',
      agentId: 888888,
      sender: 'agent',
      source: 'bot',
      content: { message: 'Hi, how are you? Here is a listing you might like.', links: ['https://www.domain.com/listings/C9231328'] },
      ...overrides,
    });

    it('mails the message with the same token in every link, query and fragment kept, HTML escaped, and a text part', async () => {
      const response = await send(valid({
        agentId: 'agent-7',
        content: {
          subject: 'New <b>listing</b> & more',
          message: 'Look <script>alert(1)</script> at https://www.domain.com/listings/C1?ref=mail#photos, or (https://www.domain.com/search).',
          links: ['https://www.domain.com/listings/C9231328', 'https://www.domain.com/l?a=1&b=x%20y#top', 'http://plain.example/p?token=old'],
          pictures: ['https://cdn.example/p1.jpg'],
          listings: [{ mls: 'C9231328', price: 100 }],
        },
      }));
      assert.equal(response.status, 201);
      const message = (await response.json()) as MessageJson;
      assert.match(message.token ?? '', UUID, 'the token is a UUID v4, in this answer');
      assert.equal(message.agentId, 'agent-7', 'the agent id comes back as it was given');
      assert.equal(message.delivery.status, 'queued');
      assert.deepEqual(message.content.links, ['https://www.domain.com/listings/C9231328', 'https://www.domain.com/l?a=1&b=x%20y#top', 'http://plain.example/p?token=old'], 'the stored links are the host’s own');
      const stored = await h.store.db.selectFrom('messages').selectAll().where('id', '=', message.messageId).executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, message.token, 'only a hash is stored');
      assert.ok(!JSON.stringify(stored).includes(message.token as string), 'the token appears nowhere in the row');

      await deliver();
      const [mail] = await smtp.waitFor(1);
      assert.ok(mail);
      assert.deepEqual(mail.envelope.to, ['ann@example.com']);
      assert.equal(mail.parsed.subject, 'New <b>listing</b> & more');
      const html = String(mail.parsed.html);
      const text = mail.parsed.text ?? '';
      const token = message.token as string;
      for (const expected of [
        `https://www.domain.com/listings/C9231328?token=${token}`,
        `https://www.domain.com/l?a=1&b=x%20y&token=${token}#top`,
        `http://plain.example/p?token=${token}`,
        `https://www.domain.com/listings/C1?ref=mail&token=${token}#photos`,
        `https://www.domain.com/search?token=${token}`,
      ]) {
        assert.ok(text.includes(expected), `text part has ${expected}`);
        assert.ok(html.includes(expected.replaceAll('&', '&#38;')), `HTML has ${expected}`);
      }
      assert.ok(text.includes('https://www.domain.com/search?token=' + token + ').'), 'the sentence’s punctuation stays outside the URL');
      const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => (match[1] as string).replaceAll('&#38;', '&'));
      const pageLinks = hrefs.filter((href) => !href.startsWith('https://cdn.example/'));
      assert.ok(pageLinks.length >= 3);
      for (const href of pageLinks) assert.equal(new URL(href).searchParams.getAll('token').join(), token, `${href} carries exactly the token`);
      assert.ok(hrefs.includes('https://cdn.example/p1.jpg'), 'a picture is a link');
      for (const written of [`https://www.domain.com/listings/C1?ref=mail&token=${token}#photos`, `https://www.domain.com/search?token=${token}`]) assert.ok(hrefs.includes(written), `the URL in the text is a link: ${written}`);
      assert.ok(!/<img\b/i.test(html), 'no remote image is loaded by opening the mail');
      assert.ok(!html.includes('<script>') && html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'), 'the text arrives escaped');
      assert.ok(!html.includes('<b>listing'), 'the subject arrives escaped');
      assert.ok(text.includes('Look <script>alert(1)</script> at'), 'the text part keeps the words as written');

      const read = await get(`/api/v1/messages/${message.messageId}`);
      const after = (await read.json()) as MessageJson;
      assert.equal(after.delivery.status, 'sent');
      assert.ok(!Number.isNaN(Date.parse(after.delivery.sentDateTime ?? '')));
      assert.equal(after.token, null, 'Keyway cannot show a token it does not keep');
    });

    it('identifies the message by token with exactly the seed’s keys and types, repeatably, for this tenant only', async () => {
      const created = (await (await send(valid())).json()) as MessageJson;
      await deliver();
      const token = created.token as string;
      for (let round = 0; round < 2; round += 1) {
        const response = await get(`/api/v1/messages?token=${token.toUpperCase()}`);
        assert.equal(response.status, 200);
        const body = (await response.json()) as { messages: MessageJson[] };
        assert.deepEqual(Object.keys(body), ['messages']);
        assert.equal(body.messages.length, 1);
        const message = body.messages[0] as MessageJson;
        assert.deepEqual(keysOf(message), keysOf(SEED_MESSAGE));
        assert.deepEqual(keysOf(message.content), keysOf(SEED_MESSAGE.content));
        assert.deepEqual(keysOf(message.delivery), keysOf(SEED_MESSAGE.delivery));
        for (const key of ['agentId', 'sender', 'source'] as const) assert.equal(typeof message[key], typeof SEED_MESSAGE[key], key);
        for (const key of ['messageId', 'clientId', 'token'] as const) assert.equal(typeof message[key], 'string', key);
        for (const key of ['listings', 'searches', 'links', 'pictures'] as const) assert.ok(Array.isArray(message.content[key]), key);
        assert.equal(message.content.subject, null);
        assert.equal(message.delivery.scheduleDateTime, null);
        assert.equal(message.delivery.status, 'sent');
        assert.equal(message.token, token);
        assert.equal(message.messageId, created.messageId);
        assert.equal(message.clientId, created.clientId);
      }
      const stored = await h.store.db.selectFrom('messages').select('token_used_at').where('id', '=', created.messageId).executeTakeFirstOrThrow();
      assert.equal(stored.token_used_at, null, 'reading does not use the token');

      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'other', now: h.clock.now });
      for (const query of [`token=${token}`, 'token=550e8400-e29b-41d4-a716-446655440000']) {
        const response = await get(`/api/v1/messages?${query}`, other.apiKey);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { messages: [] }, 'another tenant’s token and an unknown one read the same');
      }
      assert.equal((await get(`/api/v1/messages/${created.messageId}`, other.apiKey)).status, 404);
      assert.equal((await get(`/api/v1/messages?clientId=${created.clientId}`, other.apiKey)).status, 200);
      assert.deepEqual(((await (await get(`/api/v1/messages?clientId=${created.clientId}`, other.apiKey)).json()) as { messages: unknown[] }).messages, []);
      const malformed = await get('/api/v1/messages?token=not-a-uuid');
      assert.equal(malformed.status, 422);
      assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'invalid_request');
    });

    it('lists a client’s messages newest first in keyset pages', async () => {
      const user = (await (await postJson(h.app, '/api/v1/users', { first_name: 'Bo', last_name: 'Lee', email: 'bo@example.com' }, { 'x-api-key': h.apiKey })).json()) as { id: string };
      const ids: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        h.clock.advance(1000);
        const response = await send(valid({ email: undefined, clientId: user.id, content: { message: `number ${n}` } }));
        assert.equal(response.status, 201);
        ids.push(((await response.json()) as MessageJson).messageId);
      }
      const first = (await (await get(`/api/v1/messages?clientId=${user.id}&limit=2`)).json()) as { messages: MessageJson[]; cursor: string | null };
      assert.deepEqual(first.messages.map((m) => m.messageId), [ids[2], ids[1]]);
      assert.ok(first.cursor);
      assert.ok(first.messages.every((m) => m.token === null && m.clientId === user.id));
      const second = (await (await get(`/api/v1/messages?clientId=${user.id}&limit=2&cursor=${first.cursor}`)).json()) as { messages: MessageJson[]; cursor: string | null };
      assert.deepEqual(second.messages.map((m) => m.messageId), [ids[0]]);
      assert.equal(second.cursor, null);
      assert.equal((await get(`/api/v1/messages?clientId=${user.id}&cursor=bogus`)).status, 422);
    });

    it('refuses bad input with a clear 4xx, storing nothing and queueing no mail', async () => {
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'third', now: h.clock.now });
      const foreignUser = (await (await postJson(h.app, '/api/v1/users', { first_name: 'Cy', last_name: 'Foe', email: 'cy@example.com' }, { 'x-api-key': other.apiKey })).json()) as { id: string };
      const inactive = (await (await postJson(h.app, '/api/v1/users', { first_name: 'In', last_name: 'Active', email: 'in@example.com' }, { 'x-api-key': h.apiKey })).json()) as { id: string };
      assert.equal((await h.app.request(`/api/v1/users/${inactive.id}/status`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify({ status: 'INACTIVE' }) })).status, 200);
      const before = await counts();
      const cases: [string, unknown, number][] = [
        ['no client', valid({ email: undefined }), 422],
        ['both client forms', valid({ clientId: inactive.id }), 422],
        ['invalid email', valid({ email: 'not-an-email' }), 422],
        ['unknown clientId', valid({ email: undefined, clientId: 'no-such-user' }), 404],
        ['another tenant’s user', valid({ email: undefined, clientId: foreignUser.id }), 404],
        ['INACTIVE client', valid({ email: undefined, clientId: inactive.id }), 409],
        ['javascript: link', valid({ content: { message: 'x', links: ['javascript:alert(1)'] } }), 422],
        ['data: link', valid({ content: { message: 'x', links: ['data:text/html,hi'] } }), 422],
        ['relative link', valid({ content: { message: 'x', links: ['/listings/1'] } }), 422],
        ['http picture', valid({ content: { message: 'x', pictures: ['http://cdn.example/p.jpg'] } }), 422],
        ['no text and no links', valid({ content: { message: '  ', links: [] } }), 422],
        ['51 links', valid({ content: { links: Array.from({ length: 51 }, (_, n) => `https://d.example/${n}`) } }), 422],
        ['text over the limit', valid({ content: { message: 'x'.repeat(20_001) } }), 422],
        ['listings over the limit', valid({ content: { message: 'x', listings: Array.from({ length: 51 }, () => ({})) } }), 422],
        ['past schedule', valid({ delivery: { scheduleDateTime: new Date(h.clock.now - 60_000).toISOString() } }), 422],
        ['schedule over a year ahead', valid({ delivery: { scheduleDateTime: new Date(h.clock.now + 400 * 86_400_000).toISOString() } }), 422],
        ['schedule not a date', valid({ delivery: { scheduleDateTime: 'tomorrow' } }), 422],
        ['agentId a boolean', valid({ agentId: true }), 422],
        ['sender unknown', valid({ sender: 'robot' }), 422],
        ['source not a word', valid({ source: 'Bot <1>' }), 422],
        ['content a string', valid({ content: 'hello' }), 422],
        ['unknown field', valid({ extra: 1 }), 422],
        ['links not a list', valid({ content: { message: 'x', links: 'https://d.example' } }), 422],
      ];
      for (const [name, body, status] of cases) {
        const response = await send(body);
        assert.equal(response.status, status, name);
        const error = ((await response.json()) as { error: { code: string; message: string } }).error;
        assert.ok(error.code && error.message, `${name}: an error body`);
      }
      const oversized = await h.app.request('/api/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify(valid({ content: { message: 'x'.repeat(70_000) } })) });
      assert.equal(oversized.status, 413);
      assert.equal((await h.app.request('/api/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid()) })).status, 401);
      assert.deepEqual(await counts(), before, 'nothing stored, no user created, no mail queued');
    });

    it('describes the message endpoints in the OpenAPI document, from the protocol schemas', async () => {
      const document = (await (await h.app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
      assert.ok(document.paths['/api/v1/messages']?.['post'] && document.paths['/api/v1/messages']?.['get']);
      assert.ok(document.paths['/api/v1/messages/{messageId}']?.['get']);
      const schemas = document.components.schemas;
      assert.deepEqual(Object.keys(schemas['Message']?.properties ?? {}).sort(), keysOf(SEED_MESSAGE));
      assert.ok(schemas['MessageCreateRequest']?.required?.includes('content'));
      assert.ok(schemas['MessageWebhookEvent']);
    });

    it('cuts off an API key that keeps looking up tokens that name nothing', async () => {
      const other = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'guesser', now: h.clock.now });
      const statuses: number[] = [];
      for (let n = 0; n < 31; n += 1) statuses.push((await get(`/api/v1/messages?token=${crypto.randomUUID()}`, other.apiKey)).status);
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200));
      assert.equal(statuses[30], 429);
      const refused = await get(`/api/v1/messages?token=${crypto.randomUUID()}`, other.apiKey);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited');
      assert.equal((await get(`/api/v1/messages?token=${crypto.randomUUID()}`)).status, 200, 'another tenant is not held up');
    });
  });
}
