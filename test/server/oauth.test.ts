import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { providersFromFile, ProviderFile } from '../../src/server/providers/provider-file.js';
import * as z from 'zod/mini';
import { startOidcPeer, type OidcPeer } from '../peers/oidc-provider.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, submitOk, type Harness } from './harness.js';

announceSkips();

const acme = providersFromFile({
  providers: [
    {
      id: 'ACME',
      adapter: 'oauth2',
      name: 'Acme',
      authorizationEndpoint: 'http://127.0.0.1:9/authorize',
      tokenEndpoint: 'http://127.0.0.1:9/token',
      scopes: ['mail.read'],
      clientId: 'keyway',
      clientSecret: 'not-used-here',
      allowHttp: true,
    },
  ],
});

for (const dialect of dialects()) {
  describe(`OAuth step and callback (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string, { providers: acme });
    });
    after(() => h.close());

    async function toOAuthStep() {
      const { token, flow } = await openFlow(h, await createLink(h, { providers: ['ACME'] }));
      const next = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'ACME' });
      return { token, authorizeUrl: new URL(String(next.step['authorizeUrl'])), step: next.step };
    }
    const flowOf = async (token: string) =>
      (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; step: Record<string, unknown> };

    it('sends the user to the provider with PKCE (S256), a one-time state and the exact redirect URI', async () => {
      const { authorizeUrl, step } = await toOAuthStep();
      assert.equal(step['kind'], 'oauth');
      assert.equal(authorizeUrl.origin + authorizeUrl.pathname, 'http://127.0.0.1:9/authorize');
      const params = authorizeUrl.searchParams;
      assert.equal(params.get('response_type'), 'code');
      assert.equal(params.get('client_id'), 'keyway');
      assert.equal(params.get('redirect_uri'), 'http://keyway.test/oauth/callback');
      assert.equal(params.get('code_challenge_method'), 'S256');
      assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(params.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(params.get('scope'), 'mail.read');
    });

    it('offers another try when the user refuses at the provider, and ends with access_denied if they give up', async () => {
      const { token, authorizeUrl } = await toOAuthStep();
      const state = authorizeUrl.searchParams.get('state') as string;
      const page = await h.app.request(`/oauth/callback?error=access_denied&state=${state}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const refused = await flowOf(token);
      assert.equal(refused.status, 'active', 'nothing is final yet');
      assert.equal(refused.step['kind'], 'failure');
      assert.equal(refused.step['reason'], 'access_denied');
      assert.equal(refused.step['retryable'], true);
      assert.equal(refused.step['redirectUrl'], undefined);
      assert.equal((await h.store.db.selectFrom('webhook_outbox').select('id').execute()).length, 0, 'no webhook while the user may retry');
      const replay = await h.app.request(`/oauth/callback?error=access_denied&state=${state}`);
      assert.equal(replay.status, 410, 'a state works once');
      const given = await submitOk(h, token, { kind: 'cancel', stepId: String(refused.step['id']) });
      assert.equal(given.status, 'failed');
      assert.equal(given.step['reason'], 'access_denied');
      assert.equal(given.step['retryable'], false);
      assert.equal(given.step['redirectUrl'], 'https://app.acme.test/failed?reason=access_denied');
      const events = (await h.store.db.selectFrom('webhook_outbox').select('body').execute()).map((row) => JSON.parse(row.body) as Record<string, unknown>);
      assert.deepEqual(events.map((event) => [event['status'], event['reason']]), [['CREATION_FAILED', 'access_denied']]);
    });

    it('goes back to provider selection when the user tries again after a refusal', async () => {
      const { token, authorizeUrl } = await toOAuthStep();
      await h.app.request(`/oauth/callback?error=access_denied&state=${authorizeUrl.searchParams.get('state')}`);
      const refused = await flowOf(token);
      const again = await submitOk(h, token, { kind: 'back', stepId: String(refused.step['id']) });
      assert.equal(again.status, 'active');
      assert.equal(again.step.kind, 'providers');
    });

    it('refuses a wrong, missing or superseded state without touching the flow', async () => {
      const { token, authorizeUrl } = await toOAuthStep();
      assert.equal((await h.app.request(`/oauth/callback?code=abc&state=${'w'.repeat(43)}`)).status, 404);
      assert.equal((await h.app.request('/oauth/callback?code=abc')).status, 400);
      const before = await flowOf(token);
      // Going back and choosing the provider again issues a new state; the old one stops working.
      await submitOk(h, token, { kind: 'back', stepId: String(before.step['id']) });
      const providers = await flowOf(token);
      await submitOk(h, token, { kind: 'providers', stepId: String(providers.step['id']), provider: 'ACME' });
      const stale = await h.app.request(`/oauth/callback?code=abc&state=${authorizeUrl.searchParams.get('state')}`);
      assert.equal(stale.status, 410);
      assert.equal((await flowOf(token)).status, 'active');
    });
  });
}

describe('provider file', () => {
  const parse = (value: unknown) => z.safeParse(ProviderFile, value);

  it('builds providers from presets with secrets from the environment', () => {
    const [google] = providersFromFile(
      { providers: [{ id: 'GOOGLE', adapter: 'oauth2', preset: 'google', clientId: 'id', clientSecret: 'env:TEST_GOOGLE_SECRET' }] },
      { TEST_GOOGLE_SECRET: 's3cret' },
    );
    assert.deepEqual(google?.summary, { id: 'GOOGLE', name: 'Google', method: 'oauth' });
    assert.deepEqual(google?.adapter.plan, ['oauth']);
  });

  it('names the missing environment variable', () => {
    assert.throws(
      () => providersFromFile({ providers: [{ id: 'X', adapter: 'oauth2', preset: 'x', clientId: 'id', clientSecret: 'env:NOPE_SECRET' }] }, {}),
      /providers\[0\] \(X\)\.clientSecret: the environment variable NOPE_SECRET is not set/,
    );
  });

  it('refuses a provider with neither preset, issuer nor endpoints, and duplicate ids', () => {
    assert.throws(() => providersFromFile({ providers: [{ id: 'ACME', adapter: 'oauth2', name: 'Acme', clientId: 'a', clientSecret: 'b' }] }), /give a preset, an issuer/);
    const twice = { id: 'GOOGLE', adapter: 'oauth2' as const, preset: 'google' as const, clientId: 'a', clientSecret: 'b' };
    assert.throws(() => providersFromFile({ providers: [twice, twice] }), /appears twice/);
  });

  it('rejects unknown presets, adapters and fields at parse time', () => {
    assert.equal(parse({ providers: [{ id: 'GOOGLE', adapter: 'oauth2', preset: 'myspace', clientId: 'a', clientSecret: 'b' }] }).success, false);
    assert.equal(parse({ providers: [{ id: 'GOOGLE', adapter: 'carrier-pigeon' }] }).success, false);
    assert.equal(parse({ providers: [{ id: 'GOOGLE', adapter: 'oauth2', preset: 'google', clientId: 'a', clientSecret: 'b', colour: 'red' }] }).success, false);
    assert.equal(parse({ providers: [{ id: 'google', adapter: 'oauth2', preset: 'google', clientId: 'a', clientSecret: 'b' }] }).success, false);
  });
});

/** Follows redirects by hand (keeping cookies) until one points at `stopAt`; returns that URL. */
async function followUntil(start: string, stopAt: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 12; hop += 1) {
    if (url.startsWith(stopAt)) return new URL(url);
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) cookies.set(name.trim(), value.join('='));
    }
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location) throw new Error(`${url} answered ${response.status} without a redirect`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

describe('OAuth against a real OpenID provider (oidc-provider on loopback)', () => {
  let h: Harness;
  let peer: OidcPeer;
  before(async () => {
    peer = await startOidcPeer({ redirectUri: 'http://keyway.test/oauth/callback', autoApprove: true });
    const providers = providersFromFile({
      providers: [{ id: 'OIDC', adapter: 'oauth2', name: 'Test OpenID', issuer: peer.issuer, scopes: ['openid', 'email'], clientId: 'keyway', clientSecret: 'keyway-secret', allowHttp: true }],
    });
    h = await createHarness(':memory:', { providers });
  });
  after(async () => {
    await h.close();
    await peer.close();
  });

  it('exchanges the code with PKCE, checks the ID token and stores the tokens encrypted', async () => {
    const { token, flow } = await openFlow(h, await createLink(h, { providers: ['OIDC'] }));
    const oauth = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'OIDC' });
    const back = await followUntil(String(oauth.step['authorizeUrl']), 'http://keyway.test/oauth/callback');
    assert.ok(back.searchParams.get('code'));
    const page = await h.app.request(back.pathname + back.search);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Signed in/);
    const done = (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; step: { accountId: string } };
    assert.equal(done.status, 'succeeded');
    const account = await h.store.db.selectFrom('accounts').selectAll().where('id', '=', done.step.accountId).executeTakeFirstOrThrow();
    assert.equal(account.external_id, 'alice');
    assert.doesNotMatch(account.sealed_secrets, /access_token|alice@example/);
    const secrets = h.services.sealer.openJson<Record<string, string>>(account.sealed_secrets);
    assert.ok(secrets['access_token']);
    assert.equal(secrets['email'], 'alice@example.test');
    const replay = await h.app.request(back.pathname + back.search);
    assert.equal(replay.status, 410, 'the same callback cannot be replayed');
  });
});

describe('OAuth provider that does not answer', () => {
  it('shows a retryable provider_error after the timeout and stores nothing', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const { OAuth2Adapter } = await import('../../src/server/providers/oauth2.js');
    const adapter = new OAuth2Adapter({
      name: 'Silent',
      authorizationEndpoint: `http://127.0.0.1:${port}/authorize`,
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      scopes: ['read'],
      clientId: 'keyway',
      clientSecret: 'secret',
      allowHttp: true,
      timeoutSeconds: 1,
    });
    const h = await createHarness(':memory:', { providers: [{ summary: { id: 'SILENT', name: 'Silent', method: 'oauth' }, adapter }] });
    try {
      const { token, flow } = await openFlow(h, await createLink(h, { providers: ['SILENT'] }));
      const oauth = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'SILENT' });
      const state = new URL(String(oauth.step['authorizeUrl'])).searchParams.get('state');
      const started = Date.now();
      const page = await h.app.request(`/oauth/callback?code=abc&state=${state}`);
      assert.equal(page.status, 200);
      assert.ok(Date.now() - started < 5000, 'gave up at the timeout');
      const after = (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; step: { reason?: string; retryable?: boolean } };
      assert.equal(after.step.reason, 'provider_error');
      assert.equal(after.step.retryable, true, 'the user may try again later in the same flow');
      assert.equal((await h.store.db.selectFrom('accounts').select('id').execute()).length, 0);
    } finally {
      await h.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
