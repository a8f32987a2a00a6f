import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoRoutes } from '../../demo/server.js';
import { loadConfig } from '../../src/server/config.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { until } from './smtp-sink.js';

/** The demo's messages part on a real demo-mode Keyway: its backend talks to Keyway over HTTP, as it does under `npm start`. */
describe('demo messages: the agent’s form, the inbox’s mail page and the listing page', () => {
  let keyway: RunningKeyway;
  let dataDir: string;
  let apiKey = '';
  let origin: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-demo-messages-'));
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_PORT: '0', KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { demo: true });
    keyway = await startKeyway(config, {
      log: () => {},
      mail: { pollMs: 50 },
      extraRoutes: (services, internalUrl) => [demoRoutes({ services, internalUrl, apiKey: () => apiKey, tenantName: 'demo' })],
    });
    apiKey = (await createApiKey(keyway.services.store.db, keyway.services.sealer, { tenantName: 'demo', now: Date.now() })).apiKey;
    origin = new URL(keyway.services.publicUrl).origin;
  });

  after(async () => {
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (body: unknown, headers: Record<string, string> = { origin }) =>
    fetch(`${keyway.url}/demo/api/messages/send`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const listingUrl = (query: string) => `${keyway.url}/demo/listings/C9231328?ref=mail${query}`;

  /** Sends a listing and answers the token in the link of the mail that reached the demo inbox. */
  async function mailedToken(email: string): Promise<{ token: string; mailId: string }> {
    const sent = await send({ email, subject: 'A house', message: 'Have a look.', link: `${keyway.services.publicUrl}/demo/listings/C9231328?ref=mail#photos` });
    assert.equal(sent.status, 201);
    const answer = (await sent.json()) as { messageId: string; delivery: { status: string } };
    assert.match(answer.messageId, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(answer).includes('token'), 'the browser is not given the token');
    let found: { token: string; mailId: string } | undefined;
    await until(async () => {
      const { mails } = (await (await fetch(`${keyway.url}/demo/api/inbox`)).json()) as { mails: { id: string; to: string; text: string }[] };
      const mail = mails.find((item) => item.to === email);
      const token = /\/demo\/listings\/C9231328\?ref=mail&token=([0-9a-f-]{36})#photos/.exec(mail?.text ?? '')?.[1];
      if (mail && token) found = { token, mailId: mail.id };
      return found !== undefined;
    }, 'the mail in the demo inbox');
    return found as { token: string; mailId: string };
  }

  it('sends only from the demo’s own pages and only its own listing pages, and passes on Keyway’s refusals as 4xx', async () => {
    const link = `${keyway.services.publicUrl}/demo/listings/C9231328?ref=mail#photos`;
    assert.equal((await send({ email: 'ann@example.com', subject: '', message: '', link }, {})).status, 403, 'no Origin');
    assert.equal((await send({ email: 'ann@example.com', subject: '', message: '', link }, { origin: 'https://elsewhere.example' })).status, 403);
    for (const foreign of ['https://elsewhere.example/demo/listings/C9231328', '/demo/listings/NOPE', 'javascript:alert(1)', 'http://[']) {
      const refused = await send({ email: 'ann@example.com', subject: '', message: '', link: foreign });
      assert.equal(refused.status, 400, foreign);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'not_a_listing');
    }
    assert.equal((await send({ email: 'not an address', subject: '', message: '', link })).status, 422, 'Keyway’s own validation');
    assert.equal((await send({ link })).status, 422, 'fields missing');
    const notJson = await fetch(`${keyway.url}/demo/api/messages/send`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(notJson.status, 422);
  });

  it('serves a mail for the inbox frame under a policy that runs no script and loads nothing', async () => {
    const { mailId } = await mailedToken('frame@example.com');
    const page = await fetch(`${keyway.url}/demo/inbox/${encodeURIComponent(mailId)}`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /sandbox allow-popups allow-popups-to-escape-sandbox$/);
    assert.ok(!csp.includes('script-src'), 'no script source at all');
    const html = await page.text();
    assert.ok(html.includes('<head><base target="_blank">'), 'links open a new tab, not the frame');
    assert.equal((await fetch(`${keyway.url}/demo/inbox/nope`)).status, 404);
  });

  it('greets the client the token names, and says plainly when a token is not recognised or the listing does not exist', async () => {
    const { token } = await mailedToken('greet@example.com');
    const identified = await fetch(listingUrl(`&token=${token}`));
    assert.equal(identified.status, 200);
    const html = await identified.text();
    assert.ok(html.includes('Hello greet@example.com') && html.includes('Sign in as greet@example.com'));
    assert.ok(html.includes(`data-token="${token}"`));

    const malformed = await fetch(listingUrl('&token=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E'));
    assert.equal(malformed.status, 400);
    const malformedHtml = await malformed.text();
    assert.ok(malformedHtml.includes('This link is not recognised') && !malformedHtml.includes('<script>alert'));
    const unknown = await fetch(listingUrl(`&token=${randomUUID()}`));
    assert.equal(unknown.status, 404);
    assert.ok((await unknown.text()).includes('names no message'));
    assert.equal((await fetch(`${keyway.url}/demo/listings/NOPE?token=${token}`)).status, 404);
    assert.ok((await (await fetch(listingUrl(''))).text()).includes('Opened without a mail’s link'));
  });

  it('starts a sign-in for a recognised token with the session cookie, and refuses unknown and malformed ones with 4xx', async () => {
    const { token } = await mailedToken('start@example.com');
    const start = (body: unknown) => fetch(`${keyway.url}/demo/api/messages/signin`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const started = await start({ token });
    assert.equal(started.status, 200);
    assert.match(started.headers.get('set-cookie') ?? '', /demo_session=.+HttpOnly/i);
    const { login_url } = (await started.json()) as { login_url: string };
    assert.equal(login_url, `${keyway.services.publicUrl}/login/?message_token=${token}`);
    assert.equal((await start({ token: randomUUID() })).status, 404);
    assert.equal((await start({ token: 'nope' })).status, 422);
    assert.equal((await start({})).status, 422);
  });

  it('shows "could not check" (not a 500) when Keyway refuses the demo’s own key', async () => {
    const goodKey = apiKey;
    apiKey = 'kw_wrong';
    try {
      const page = await fetch(listingUrl(`&token=${randomUUID()}`));
      assert.equal(page.status, 502);
      assert.ok((await page.text()).includes('could not check this link just now'));
    } finally {
      apiKey = goodKey;
    }
  });
});
