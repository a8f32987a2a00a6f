import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { createClient, revokeClient } from '../../src/server/identity/clients.js';
import { setUserStatus } from '../../src/server/identity/users.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, postJson, type FlowJson, type Harness } from './harness.js';
import { sendMessage, setDeliveryStatus } from './message-fixtures.js';
import { codeAt, enableMfa } from './mfa-fixtures.js';
import { createTestUser, postForm, REDIRECT_URI, withSecret, type TestClient, type TokenJson } from './oauth2-fixtures.js';

announceSkips();

/** The fixtures' redirect URI, so their sign-ins (the MFA set-up) work with this tenant's only client. */
const REDIRECT = REDIRECT_URI;
const GRANT = 'urn:keyway:params:oauth:grant-type:message-token';

/** Just enough of a built wizard for the page to be drawn without Vite. */
function widgetDirFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyway-widget-'));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify({ 'src/widget/hosted.ts': { file: 'assets/hosted-abc123.js', isEntry: true } }));
  return dir;
}

for (const dialect of dialects()) {
  describe(`hosted sign-in by message token (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let widgetDir: string;
    let client: TestClient;
    before(async () => {
      widgetDir = widgetDirFixture();
      h = await createHarness(dialect.url as string, { widgetDir });
      const created = await createClient(h.store.db, h.tenantId, { name: 'Acme Homes', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token', GRANT] }, h.clock.now);
      client = { id: created.row.id, secret: created.clientSecret };
      await h.store.db.updateTable('tenants').set({ webhook_url: 'https://hooks.acme.test/keyway' }).where('id', '=', h.tenantId).execute();
    });
    after(async () => {
      await h.close();
      rmSync(widgetDir, { recursive: true, force: true });
    });

    const page = (token: string) => h.app.request(`/login/?message_token=${encodeURIComponent(token)}`);
    async function linkOfPage(token: string): Promise<string> {
      const response = await page(token);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const link = /<keyway-wizard link="([^"]+)"/.exec(await response.text())?.[1];
      assert.ok(link, 'the page carries the wizard with a link');
      return link;
    }
    async function openFlow(link: string): Promise<{ token: string; flow: FlowJson }> {
      const response = await postJson(h.app, '/api/v1/flows', { link });
      assert.equal(response.status, 201);
      return (await response.json()) as { token: string; flow: FlowJson };
    }
    const submit = async (token: string, input: Record<string, unknown>) =>
      (await (await postJson(h.app, '/api/v1/flows/current/steps', input, { authorization: `Bearer ${token}` })).json()) as FlowJson;
    const usedAt = async (messageId: string) => (await h.store.db.selectFrom('messages').select('token_used_at').where('id', '=', messageId).executeTakeFirstOrThrow()).token_used_at;
    const tokenUsedEvents = async (messageId: string) =>
      (await h.store.db.selectFrom('webhook_outbox').selectAll().execute()).filter((row) => JSON.stringify(row).includes('MESSAGE_TOKEN_USED') && JSON.stringify(row).includes(messageId)).length;

    it('draws the confirm step on every GET and uses nothing up; the confirmation signs the message user in with a code', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const link = await linkOfPage(message.token);
      assert.equal(await linkOfPage(message.token), link, 'reopening the mail reopens the same link');
      assert.equal(await linkOfPage(message.token.toUpperCase()), link);
      const opened = await openFlow(link);
      assert.equal(opened.flow.step.kind, 'confirm');
      assert.equal(opened.flow.step['email'], `a•••@acme.test`);
      assert.equal(opened.flow.step['appName'], 'Acme Homes');
      // A preview that runs the page's script opens the flow too: still nothing used.
      const reopened = await openFlow(link);
      assert.equal(await usedAt(message.messageId), null);

      const done = await submit(reopened.token, { kind: 'confirm', stepId: reopened.flow.step.id });
      assert.equal(done.status, 'succeeded');
      const redirect = new URL(String(done.step['redirectUrl']));
      assert.equal(`${redirect.origin}${redirect.pathname}`, REDIRECT);
      assert.notEqual(await usedAt(message.messageId), null);
      assert.equal(await tokenUsedEvents(message.messageId), 1);

      const exchanged = await postForm(h.app, '/oauth2/token', withSecret(client, { grant_type: 'authorization_code', code: redirect.searchParams.get('code') ?? '', redirect_uri: REDIRECT }));
      assert.equal(exchanged.status, 200);
      const tokens = (await exchanged.json()) as TokenJson;
      assert.equal(decodeJwt(tokens.access_token).sub, user.id);
      assert.equal(tokens.data?.['email_confirmed'], true, 'a link mailed to the address proves it');

      // Used: the page says so instead of drawing a sign-in.
      const again = await page(message.token);
      assert.equal(again.status, 409);
      assert.match(await again.text(), /already been used/);
    });

    it('refuses a token on the page with a clear reason and a 4xx, never a 500', async () => {
      const user = await createTestUser(h);
      const malformed = await page('not-a-uuid');
      assert.equal(malformed.status, 404);
      assert.match(await malformed.text(), /not a UUID/);
      assert.equal((await page('550e8400-e29b-41d4-a716-446655440000')).status, 404);

      const failed = await sendMessage(h, user.id);
      await setDeliveryStatus(h, failed.messageId, 'failed');
      const failedPage = await page(failed.token);
      assert.equal(failedPage.status, 409);
      assert.match(await failedPage.text(), /never delivered/);

      const scheduled = await sendMessage(h, user.id, { delivery: { scheduleDateTime: new Date(h.clock.now + 3_600_000).toISOString() } });
      assert.equal((await page(scheduled.token)).status, 409);

      const inactive = await createTestUser(h);
      const toInactive = await sendMessage(h, inactive.id);
      await setUserStatus(h.store.db, h.tenantId, inactive.id, 'INACTIVE', h.clock.now);
      const inactivePage = await page(toInactive.token);
      assert.equal(inactivePage.status, 409);
      assert.match(await inactivePage.text(), /not active/);
      assert.equal(await h.store.db.selectFrom('message_signins').select('link_id').where('message_id', 'in', [failed.messageId, scheduled.messageId, toInactive.messageId]).executeTakeFirst(), undefined, 'a refused token makes no link');
    });

    it('signs in to the OAuth client that client_id names when the app has several, at the redirect URI asked for', async () => {
      const mobile = await createClient(h.store.db, h.tenantId, { name: 'Acme Homes mobile', redirect_uris: ['https://m.acme.test/cb', 'https://m.acme.test/other'] }, h.clock.now);
      const globex = await createHarnessTenantClient();
      try {
        const user = await createTestUser(h);
        const message = await sendMessage(h, user.id);
        const refused = await page(message.token);
        assert.equal(refused.status, 409, 'two clients and none named');
        assert.match(await refused.text(), /client_id/);
        const named = (query: string) => h.app.request(`/login/?message_token=${message.token}&${query}`);
        assert.equal((await named(`client_id=${mobile.row.id}`)).status, 409, 'two redirect URIs and none asked for');
        assert.equal((await named(`client_id=${mobile.row.id}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`)).status, 409);
        assert.equal((await named(`client_id=${globex}`)).status, 409, 'another tenant’s client is no client of this message');
        assert.equal(await h.store.db.selectFrom('message_signins').select('link_id').where('message_id', '=', message.messageId).executeTakeFirst(), undefined, 'refusals make no link');

        const response = await named(`client_id=${mobile.row.id}&redirect_uri=${encodeURIComponent('https://m.acme.test/other')}`);
        assert.equal(response.status, 200);
        const link = /<keyway-wizard link="([^"]+)"/.exec(await response.text())?.[1] ?? '';
        const { token, flow } = await openFlow(link);
        assert.equal(flow.step['appName'], 'Acme Homes mobile');
        const done = await submit(token, { kind: 'confirm', stepId: flow.step.id });
        assert.equal(done.status, 'succeeded');
        assert.ok(String(done.step['redirectUrl']).startsWith('https://m.acme.test/other?code='), String(done.step['redirectUrl']));
      } finally {
        await revokeClient(h.store.db, h.tenantId, mobile.row.id, h.clock.now);
      }

      /** A client of a second tenant, with the same redirect URI as this tenant's. */
      async function createHarnessTenantClient(): Promise<string> {
        const { tenantId } = await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now });
        return (await createClient(h.store.db, tenantId, { name: 'Globex', redirect_uris: [REDIRECT] }, h.clock.now)).row.id;
      }
    });

    it('refuses an expired token on the page', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const row = await h.store.db.selectFrom('messages').select('token_expires_at').where('id', '=', message.messageId).executeTakeFirstOrThrow();
      const clockBefore = h.clock.now;
      h.clock.advance(Number(row.token_expires_at) - h.clock.now);
      assert.equal((await page(message.token)).status, 410);
      h.clock.now = clockBefore;
    });

    it('fails the flow at the confirmation when the token was used elsewhere in between', async () => {
      const user = await createTestUser(h);
      const message = await sendMessage(h, user.id);
      const { token, flow } = await openFlow(await linkOfPage(message.token));
      assert.equal((await postForm(h.app, '/oauth2/token', withSecret(client, { grant_type: GRANT, token: message.token }))).status, 200);
      const refused = await submit(token, { kind: 'confirm', stepId: flow.step.id });
      assert.equal(refused.status, 'failed');
      assert.equal(refused.step.kind, 'failure');
      assert.equal(refused.step['reason'], 'link_used');
      assert.equal(await tokenUsedEvents(message.messageId), 1, 'one use, one event');
    });

    it('asks a user with MFA for a code after the confirmation, then signs in', async () => {
      const user = await createTestUser(h);
      const { secret } = await enableMfa(h, { user, client });
      const message = await sendMessage(h, user.id);
      const { token, flow } = await openFlow(await linkOfPage(message.token));
      const mfa = await submit(token, { kind: 'confirm', stepId: flow.step.id });
      assert.equal(mfa.step.kind, 'mfa');
      assert.notEqual(await usedAt(message.messageId), null, 'the confirmation claimed the token');
      const done = await submit(token, { kind: 'mfa', stepId: mfa.step.id, code: codeAt(secret, h.clock.now) });
      assert.equal(done.status, 'succeeded');
      const code = new URL(String(done.step['redirectUrl'])).searchParams.get('code') ?? '';
      const tokens = (await (await postForm(h.app, '/oauth2/token', withSecret(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }))).json()) as TokenJson;
      assert.equal(decodeJwt(tokens.access_token).sub, user.id);
      assert.equal(decodeJwt(tokens.access_token)['mfa'], 'validated');
    });
  });
}
