import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { demoRoutes } from '../../demo/server.js';
import { brandOfTenant } from '../../src/server/brands.js';
import { loadConfig } from '../../src/server/config.js';
import { enqueueMail, mailsWithRef } from '../../src/server/messages/mail-outbox.js';
import { renderMail } from '../../src/server/messages/mail-render.js';
import { smtpTransport } from '../../src/server/messages/mail-transport.js';
import { startMailWorker, type MailWorker, type MailWorkerOptions } from '../../src/server/messages/mailer.js';
import { DEFAULT_BRAND, startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { freePort, SmtpSink, until } from './smtp-sink.js';

announceSkips();

const CODE = '482915';
const LINK = 'https://keyway.test/login/magic?token=mt_7f3a9c';
const FROM = { name: 'Keyway', address: 'no-reply@keyway.test' };

for (const dialect of dialects()) {
  describe(`mail outbox and worker (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    const sinks: SmtpSink[] = [];
    const workers: MailWorker[] = [];
    const logs: string[] = [];
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      await Promise.all(sinks.splice(0).map((sink) => sink.close()));
    });
    after(() => h?.close());

    const sink = async (port?: number) => {
      const started = new SmtpSink();
      sinks.push(started);
      return { sink: started, port: await started.listen(port) };
    };
    const worker = (smtpUrl: string, extra: Partial<MailWorkerOptions> = {}) => {
      const started = startMailWorker({ store: h.store, sealer: h.services.sealer, transport: smtpTransport(smtpUrl, { connectTimeoutMs: 1000 }), from: FROM, clock: h.clock.read, pollMs: 60_000, log: (line) => logs.push(line), ...extra });
      workers.push(started);
      return started;
    };
    const signInMail = async (options: { to?: string; subject?: string; refId?: string; sendAt?: number; expiresAt?: number } = {}) => {
      const brand = (await brandOfTenant(h.store.db, h.tenantId))?.brand ?? DEFAULT_BRAND;
      const body = renderMail({ brand, heading: 'Sign in', paragraphs: [`Your sign-in code is ${CODE}.`], code: CODE, button: { label: 'Sign in', url: LINK }, footer: 'It expires in 10 minutes.' });
      return enqueueMail(h.store.db, { tenantId: h.tenantId, kind: 'signin_code', to: options.to ?? 'ann@example.com', subject: options.subject ?? 'Your sign-in code', ...body, sealer: h.services.sealer, now: h.clock.now, ...options });
    };
    const row = (id: string) => h.store.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('delivers a queued mail: the brand as the display name of From, To, Subject, and text and HTML parts', async () => {
      const { sink: smtp, port } = await sink();
      const put = await h.app.request('/api/v1/brand', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey }, body: JSON.stringify({ name: 'Acme CRM', primaryColor: '#0f766e' }) });
      assert.equal(put.status, 200);
      const id = await signInMail({ refId: 'msg-1' });
      assert.equal((await mailsWithRef(h.store.db, h.tenantId, 'msg-1'))[0]?.state, 'queued');

      assert.equal(await worker(`smtp://keyway:s3cret@127.0.0.1:${port}`).drain(), 1);
      const [mail] = await smtp.waitFor(1);
      assert.ok(mail);
      assert.deepEqual(mail.parsed.from?.value, [{ name: 'Acme CRM', address: 'no-reply@keyway.test' }]);
      assert.equal(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.text : undefined, 'ann@example.com');
      assert.deepEqual(mail.envelope.to, ['ann@example.com']);
      assert.equal(mail.user, 'keyway', 'logged in with the credentials of KEYWAY_SMTP_URL');
      assert.equal(mail.parsed.subject, 'Your sign-in code');
      assert.equal(mail.parsed.messageId, `<${id}@keyway.test>`, 'the outbox id: a copy sent twice has the same Message-ID');
      assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
      assert.match(mail.parsed.text ?? '', new RegExp(`Your sign-in code is ${CODE}\\.`));
      assert.ok(mail.parsed.text?.includes(`Sign in: ${LINK}`));
      const html = String(mail.parsed.html);
      assert.ok(html.includes(`href="${LINK}"`));
      assert.ok(html.includes('background:#0f766e'), "the button wears the brand's colour");
      assert.ok(html.includes(`>${CODE}</div>`));

      const sent = await row(id);
      assert.ok(sent.sent_at);
      assert.equal(sent.sealed_body, '', 'the body is dropped once sent');
      assert.equal((await mailsWithRef(h.store.db, h.tenantId, 'msg-1'))[0]?.state, 'sent');
    });

    it('escapes a hostile brand name and paragraph, drops a javascript: button, and keeps a subject on one line', async () => {
      const { sink: smtp, port } = await sink();
      const hostile = '<script>alert(1)</script>';
      const body = renderMail({
        brand: { name: `${hostile} "Evil" Corp`, primaryColor: 'red;background:url(x)' },
        heading: `Hi ${hostile}`,
        paragraphs: [`<img src=x onerror=alert(1)> & ${hostile}`],
        button: { label: 'Click', url: 'javascript:alert(1)' },
        footer: `"quoted" 'single'`,
      });
      assert.ok(!body.html.includes('<script>') && !body.html.includes('<img'));
      assert.ok(body.html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
      assert.ok(!body.html.includes('javascript:') && !body.text.includes('javascript:'), 'no button at all');
      assert.ok(!body.html.includes('red;background'), 'a colour that is not #rrggbb is not used');
      assert.ok(body.text.includes(`<img src=x onerror=alert(1)> & ${hostile}`), 'the text part says the same, unescaped');
      const id = await enqueueMail(h.store.db, { tenantId: h.tenantId, kind: 'message', to: 'ann@example.com', subject: 'Hello\r\nBcc: eve@example.com', ...body, sealer: h.services.sealer, now: h.clock.now });

      assert.equal(await worker(`smtp://127.0.0.1:${port}`).drain(), 1);
      const [mail] = await smtp.waitFor(1);
      assert.equal(mail?.parsed.subject, 'Hello Bcc: eve@example.com');
      assert.equal(mail?.parsed.bcc, undefined);
      assert.deepEqual(mail?.envelope.to, ['ann@example.com'], 'no second recipient');
      assert.ok(!String(mail?.parsed.html).includes('<script>'));
      assert.ok((await row(id)).sent_at);
      await assert.rejects(
        enqueueMail(h.store.db, { tenantId: h.tenantId, kind: 'message', to: 'ann@example.com, eve@example.com', subject: 's', text: '', html: '', sealer: h.services.sealer, now: h.clock.now }),
        /one plain email address/,
      );
    });

    it('keeps the body sealed at rest: neither the code nor the link is in the outbox row', async () => {
      const id = await signInMail();
      const stored = JSON.stringify(await row(id));
      assert.ok(!stored.includes(CODE), 'no code in clear');
      assert.ok(!stored.includes('mt_7f3a9c'), 'no link token in clear');
      assert.match((await row(id)).sealed_body, /^v1\./);
      await h.store.db.deleteFrom('mail_outbox').where('id', '=', id).execute();
    });

    it('retries with backoff while nothing listens on the SMTP port, and delivers once the server is there', async () => {
      const port = await freePort();
      const id = await signInMail();
      const mailer = worker(`smtp://127.0.0.1:${port}`, { backoffMs: () => 30_000 });
      assert.equal(await mailer.drain(), 1);
      const failed = await row(id);
      assert.equal(failed.attempts, 1);
      assert.match(failed.last_error ?? '', /ECONNREFUSED|connect/i);
      assert.equal(failed.next_attempt_at, h.clock.now + 30_000);
      assert.equal(failed.sent_at, null);
      assert.equal(failed.failed_at, null);
      assert.equal(failed.locked_until, null);
      assert.ok(!logs.some((line) => line.includes(CODE) || line.includes(LINK)), 'the log names the id and the error, never the body');
      assert.ok(logs.some((line) => line.includes(id) && line.includes('will retry')));

      const { sink: smtp } = await sink(port);
      assert.equal(await mailer.drain(), 0, 'not due before the backoff');
      h.clock.advance(30_000);
      assert.equal(await mailer.drain(), 1);
      await smtp.waitFor(1);
      const sent = await row(id);
      assert.equal(sent.attempts, 2);
      assert.ok(sent.sent_at);
    });

    it('gives up after the last attempt', async () => {
      const port = await freePort();
      const id = await signInMail();
      const mailer = worker(`smtp://127.0.0.1:${port}`, { backoffMs: () => 0, maxAttempts: 2 });
      // With no backoff each failure starts the next pass; drain() runs them all.
      assert.equal(await mailer.drain(), 2);
      assert.equal(await mailer.drain(), 0);
      const given = await row(id);
      assert.equal(given.attempts, 2);
      assert.ok(given.failed_at);
      assert.equal(given.sealed_body, '');
    });

    it('does not retry a recipient the server refused with 550', async () => {
      const { sink: smtp, port } = await sink();
      smtp.refuse.add('nobody@example.com');
      const id = await signInMail({ to: 'nobody@example.com', refId: 'msg-550' });
      assert.equal(await worker(`smtp://127.0.0.1:${port}`, { backoffMs: () => 0 }).drain(), 1);
      const [status] = await mailsWithRef(h.store.db, h.tenantId, 'msg-550');
      assert.equal(status?.state, 'failed');
      assert.equal(status?.attempts, 1);
      assert.match(status?.lastError ?? '', /550/);
      assert.equal(smtp.mails.length, 0);
      assert.ok((await row(id)).failed_at);
    });

    it('does not send a mail scheduled for later before its time', async () => {
      const { sink: smtp, port } = await sink();
      const id = await signInMail({ sendAt: h.clock.now + 5 * 60_000 });
      const mailer = worker(`smtp://127.0.0.1:${port}`);
      assert.equal(await mailer.drain(), 0);
      h.clock.advance(5 * 60_000 - 1);
      assert.equal(await mailer.drain(), 0, 'a millisecond early');
      h.clock.advance(1);
      assert.equal(await mailer.drain(), 1);
      await smtp.waitFor(1);
      assert.ok((await row(id)).sent_at);
    });

    it('drops a mail that expired before it could be sent instead of sending it late', async () => {
      const { sink: smtp, port } = await sink();
      const id = await signInMail({ sendAt: h.clock.now + 2000, expiresAt: h.clock.now + 1000 });
      h.clock.advance(2000);
      assert.equal(await worker(`smtp://127.0.0.1:${port}`).drain(), 1);
      const dropped = await row(id);
      assert.ok(dropped.failed_at);
      assert.equal(dropped.last_error, 'expired before it could be sent');
      assert.equal(smtp.mails.length, 0);
    });

    it('releases the lease of a send it interrupts on stop(), and the mail goes out from the next worker', async () => {
      const { sink: smtp, port } = await sink();
      smtp.hang = true;
      const id = await signInMail();
      const first = worker(`smtp://127.0.0.1:${port}`);
      first.kick();
      await until(() => smtp.dataStarted === 1, 'the server to receive the data');
      assert.ok((await row(id)).locked_until, 'leased while sending');
      const stopping = Date.now();
      await first.stop();
      assert.ok(Date.now() - stopping < 2500, 'stop() does not wait for a stalling server');
      const released = await row(id);
      assert.equal(released.locked_until, null);
      assert.match(released.last_error ?? '', /interrupted/);
      assert.equal(released.sent_at, null);

      smtp.hang = false;
      assert.equal(await worker(`smtp://127.0.0.1:${port}`).drain(), 1);
      await smtp.waitFor(1);
      assert.ok((await row(id)).sent_at);
    });
  });
}

describe('mail across a restart, demo inbox and no SMTP (SQLite file)', () => {
  const dataDirs: string[] = [];
  const running: RunningKeyway[] = [];
  const sinks: SmtpSink[] = [];
  after(async () => {
    await Promise.all(running.map((keyway) => keyway.close()));
    await Promise.all(sinks.map((sink) => sink.close()));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  function configFor(env: Record<string, string>, demo = false) {
    const dataDir = env['KEYWAY_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'keyway-mail-'));
    if (!dataDirs.includes(dataDir)) dataDirs.push(dataDir);
    return loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_ENCRYPTION_KEY: KEY, ...env }, { demo }).config;
  }
  const KEY = randomBytes(32).toString('base64');

  async function start(config: ReturnType<typeof configFor>, log: string[], extra: Parameters<typeof startKeyway>[1] = {}): Promise<RunningKeyway> {
    const keyway = await startKeyway(config, { log: (line) => log.push(line), mail: { backoffMs: () => 200, pollMs: 50 }, ...extra });
    running.push(keyway);
    return keyway;
  }

  async function queue(keyway: RunningKeyway, subject: string): Promise<string> {
    const { db } = keyway.services.store;
    const tenant = (await db.selectFrom('tenants').select('id').executeTakeFirst()) ?? { id: (await createApiKey(db, keyway.services.sealer, { tenantName: 'acme', now: Date.now() })).tenantId };
    const body = renderMail({ brand: DEFAULT_BRAND, heading: 'Sign in', paragraphs: [`Your sign-in code is ${CODE}.`], code: CODE, button: { label: 'Sign in', url: LINK }, footer: 'It expires soon.' });
    const id = await enqueueMail(db, { tenantId: tenant.id, kind: 'signin_code', to: 'ann@example.com', subject, ...body, sealer: keyway.services.sealer, now: Date.now() });
    keyway.services.onMailQueued?.();
    return id;
  }

  it('sends after a restart a mail that could not be sent before it, once SMTP is back', async () => {
    const port = await freePort();
    const config = configFor({ KEYWAY_SMTP_URL: `smtp://127.0.0.1:${port}` });
    const log: string[] = [];
    const first = await start(config, log);
    const id = await queue(first, 'Before the restart');
    const outbox = (keyway: RunningKeyway) => keyway.services.store.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await until(async () => (await outbox(first)).last_error !== null, 'a failed attempt');
    assert.equal((await outbox(first)).sent_at, null);
    await first.close();

    const smtp = new SmtpSink();
    sinks.push(smtp);
    await smtp.listen(port);
    const second = await start(config, log);
    const [mail] = await smtp.waitFor(1);
    assert.equal(mail?.parsed.subject, 'Before the restart');
    assert.ok(mail?.parsed.text?.includes(CODE));
    await until(async () => (await outbox(second)).sent_at !== null, 'the row marked sent');
    assert.ok(!log.some((line) => line.includes(CODE) || line.includes(LINK)), 'no body in the log');
    await second.close();
  });

  it('puts mail in the demo inbox (GET /demo/api/inbox) in demo mode with no SMTP server', async () => {
    const config = configFor({}, true);
    const keyway = await start(config, [], {
      extraRoutes: (services, internalUrl) => [demoRoutes({ services, internalUrl, apiKey: () => '', tenantName: 'acme' })],
    });
    const id = await queue(keyway, 'Your sign-in code');
    let inbox: { enabled: boolean; mails: { id: string; from: string; to: string; subject: string; text: string; sentAt: string }[] } = { enabled: false, mails: [] };
    await until(async () => {
      inbox = (await (await fetch(`${keyway.url}/demo/api/inbox`)).json()) as typeof inbox;
      return inbox.mails.length > 0;
    }, 'the mail in the demo inbox');
    assert.equal(inbox.enabled, true);
    const [mail] = inbox.mails;
    assert.equal(mail?.to, 'ann@example.com');
    assert.equal(mail?.subject, 'Your sign-in code');
    assert.ok(mail?.text.includes(CODE) && mail.text.includes(LINK));
    assert.equal(mail?.from, 'Keyway <no-reply@localhost>');
    assert.ok(!Number.isNaN(Date.parse(mail?.sentAt ?? '')));
    assert.ok((await keyway.services.store.db.selectFrom('mail_outbox').select('sent_at').where('id', '=', id).executeTakeFirstOrThrow()).sent_at);
  });

  it('outside demo mode with no SMTP server: one warning at start, and mail stays queued', async () => {
    const log: string[] = [];
    const keyway = await start(configFor({}), log);
    assert.equal(log.filter((line) => line.includes('KEYWAY_SMTP_URL is not set')).length, 1);
    const id = await queue(keyway, 'Waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waiting = await keyway.services.store.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(waiting.attempts, 0);
    assert.equal(waiting.sent_at, null);
    assert.equal(waiting.failed_at, null);
    const inbox = await fetch(`${keyway.url}/demo/api/inbox`);
    assert.equal(inbox.status, 404, 'no demo routes outside demo mode');
    await inbox.body?.cancel();
  });
});

describe('renderMail', () => {
  it('shows the bare link under the button when asked, and picks a readable button text for the brand colour', () => {
    const url = 'https://keyway.test/login/magic?token=a&b=1';
    const light = renderMail({ brand: { name: 'Sun', primaryColor: '#fde047' }, heading: 'Hi', paragraphs: [], button: { label: 'Go', url, fallback: 'Or open:' }, footer: 'f', lang: 'fr' });
    assert.ok(light.html.includes('color:#000000;'), 'black on yellow');
    assert.ok(light.html.includes('Or open:<br><a href="https://keyway.test/login/magic?token=a&#38;b=1"'));
    assert.ok(light.html.includes('<html lang="fr">'));
    const dark = renderMail({ brand: { name: 'Night', primaryColor: '#111827' }, heading: 'Hi', paragraphs: [], button: { label: 'Go', url }, footer: 'f', lang: '"><script>' });
    assert.ok(dark.html.includes('color:#ffffff;'), 'white on near-black');
    assert.ok(dark.html.includes('<html lang="en">'), 'a lang that is no language tag falls back to en');
    assert.ok(!dark.html.includes('Or open:'));
  });
});

describe('mail settings', () => {
  const base = { KEYWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'keyway-mail-settings-')), KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  after(() => rmSync(base.KEYWAY_DATA_DIR, { recursive: true, force: true }));

  it('reads KEYWAY_SMTP_URL and KEYWAY_MAIL_FROM, with a default sender at the public host', () => {
    const defaults = loadConfig({ ...base, KEYWAY_PUBLIC_URL: 'https://auth.example.net' }).config;
    assert.equal(defaults.smtpUrl, undefined);
    assert.deepEqual(defaults.mailFrom, { name: 'Keyway', address: 'no-reply@auth.example.net' });
    const set = loadConfig({ ...base, KEYWAY_SMTP_URL: 'smtps://u:p@smtp.example.net:465', KEYWAY_MAIL_FROM: '"Acme Auth" <auth@acme.example>' }).config;
    assert.equal(set.smtpUrl, 'smtps://u:p@smtp.example.net:465');
    assert.deepEqual(set.mailFrom, { name: 'Acme Auth', address: 'auth@acme.example' });
    assert.deepEqual(loadConfig({ ...base, KEYWAY_MAIL_FROM: 'auth@acme.example' }).config.mailFrom, { name: 'Keyway', address: 'auth@acme.example' });
  });

  it('refuses a URL that is not smtp(s), without echoing its password, and a sender that is no address', () => {
    assert.throws(() => loadConfig({ ...base, KEYWAY_SMTP_URL: 'https://u:hunter2@smtp.example.net' }), (error: Error) => /KEYWAY_SMTP_URL/.test(error.message) && !error.message.includes('hunter2'));
    assert.throws(() => loadConfig({ ...base, KEYWAY_MAIL_FROM: 'Keyway <not an address>' }), /KEYWAY_MAIL_FROM/);
  });
});
