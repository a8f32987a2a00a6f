import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRenewalWorker } from '../../src/server/accounts/renewal.js';
import type { Poller } from '../../src/server/jobs/poller.js';
import { providersFromFile } from '../../src/server/providers/provider-file.js';
import { startPasswordGrantPeer, type PasswordGrantPeer } from '../peers/password-grant-api.js';
import { createHarness, createLink, openFlow, submitOk, type FlowJson, type Harness } from './harness.js';

describe('password grant with MFA (against a seed-001 API on loopback)', () => {
  let peer: PasswordGrantPeer;
  let h: Harness;
  before(async () => {
    peer = await startPasswordGrantPeer();
    const providers = providersFromFile({
      providers: [
        { id: 'RECHAT', adapter: 'password-grant', name: 'Rechat', tokenUrl: `${peer.url}/oauth2/token`, apiUrl: peer.url, clientId: peer.clientId, clientSecret: peer.clientSecret, mfaAttempts: 3 },
      ],
    });
    h = await createHarness(':memory:', { providers });
  });
  after(async () => {
    await h.close();
    await peer.close();
  });

  async function signIn(email: string, password: string): Promise<{ token: string; flow: FlowJson }> {
    const { token, flow } = await openFlow(h, await createLink(h, { providers: ['RECHAT'] }));
    const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'RECHAT' });
    return { token, flow: await submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: email, password } }) };
  }

  it('connects a user without MFA straight after the password grant, keeping the tokens encrypted', async () => {
    const { flow } = await signIn(peer.users.plain.email, peer.users.plain.password);
    assert.equal(flow.status, 'succeeded');
    const account = await h.store.db.selectFrom('accounts').selectAll().where('id', '=', String(flow.step['accountId'])).executeTakeFirstOrThrow();
    const secrets = h.services.sealer.openJson<Record<string, string>>(account.sealed_secrets);
    assert.ok(secrets['access_token'] && secrets['refresh_token'] && secrets['expires_at']);
    assert.ok(!account.sealed_secrets.includes(secrets['access_token'] as string));
  });

  it('shows a field error for a wrong password', async () => {
    const { flow } = await signIn(peer.users.plain.email, 'nope');
    assert.equal(flow.step.kind, 'credentials');
    assert.equal((flow.step['errors'] as Record<string, string>)['password'], 'Wrong email or password.');
  });

  it('asks for the TOTP code when the API answers "MFA required", and validates it with the API', async () => {
    const { token, flow } = await signIn(peer.users.withMfa.email, peer.users.withMfa.password);
    assert.equal(flow.step.kind, 'mfa');
    assert.equal(flow.step['method'], 'totp');
    assert.equal(flow.step['attemptsLeft'], 3);
    const code = peer.users.withMfa.totp.generate();
    const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code });
    assert.equal(done.status, 'succeeded');
    assert.equal(peer.validations.at(-1), code, 'the code reached POST /users/self/mfa/validate');
  });

  it('counts wrong codes and locks after the configured attempts', async () => {
    const { token, flow } = await signIn(peer.users.withMfa.email, peer.users.withMfa.password);
    let step = flow.step;
    for (const left of [2, 1]) {
      const next = await submitOk(h, token, { kind: 'mfa', stepId: step.id, code: '000000' === peer.users.withMfa.totp.generate() ? '111111' : '000000' });
      assert.equal(next.step['attemptsLeft'], left);
      step = next.step;
    }
    const locked = await submitOk(h, token, { kind: 'mfa', stepId: step.id, code: '000000' === peer.users.withMfa.totp.generate() ? '111111' : '000000' });
    assert.equal(locked.step['reason'], 'mfa_locked');
  });
});

describe('account renewal (against the seed-001 API)', () => {
  let peer: PasswordGrantPeer;
  let h: Harness;
  let renewal: Poller;
  before(async () => {
    peer = await startPasswordGrantPeer();
    const providers = providersFromFile({
      providers: [{ id: 'RECHAT', adapter: 'password-grant', name: 'Rechat', tokenUrl: `${peer.url}/oauth2/token`, apiUrl: peer.url, clientId: peer.clientId, clientSecret: peer.clientSecret }],
    });
    h = await createHarness(':memory:', { providers });
    renewal = startRenewalWorker({ store: h.store, sealer: h.services.sealer, catalogue: h.services.catalogue, clock: h.clock.read, pollMs: 60_000, log: () => {} });
  });
  after(async () => {
    await renewal.stop();
    await h.close();
    await peer.close();
  });

  async function connect(): Promise<string> {
    const { token, flow } = await openFlow(h, await createLink(h, { providers: ['RECHAT'] }));
    const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'RECHAT' });
    const done = await submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: peer.users.plain.email, password: peer.users.plain.password } });
    return String(done.step['accountId']);
  }
  const account = (id: string) => h.store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('renews the tokens shortly before they expire, with the refresh_token grant', async () => {
    const id = await connect();
    const before = await account(id);
    assert.ok(before.renew_at && before.renew_at > h.clock.now, 'a renewal time was set');
    assert.equal(await renewal.drain(), 0, 'nothing is due yet');
    h.clock.now = (before.renew_at as number) + 1;
    assert.equal(await renewal.drain(), 1);
    const after = await account(id);
    const oldSecrets = h.services.sealer.openJson<Record<string, string>>(before.sealed_secrets);
    const newSecrets = h.services.sealer.openJson<Record<string, string>>(after.sealed_secrets);
    assert.notEqual(newSecrets['access_token'], oldSecrets['access_token']);
    assert.notEqual(newSecrets['refresh_token'], oldSecrets['refresh_token']);
    assert.ok((after.renew_at as number) > h.clock.now);
    assert.equal(after.status, 'OK');
  });

  it('marks the account CREDENTIALS and sends a webhook when the provider refuses the refresh token', async () => {
    const id = await connect();
    peer.revokeRefreshTokens();
    h.clock.now = ((await account(id)).renew_at as number) + 1;
    await renewal.drain();
    const after = await account(id);
    assert.equal(after.status, 'CREDENTIALS');
    assert.equal(after.renew_at, null);
    const events = (await h.store.db.selectFrom('webhook_outbox').select('body').execute()).map((row) => JSON.parse(row.body) as Record<string, unknown>);
    assert.ok(events.some((event) => event['status'] === 'CREDENTIALS' && event['account_id'] === id));
    const api = (await (await h.app.request(`/api/v1/accounts/${id}`, { headers: { 'x-api-key': h.apiKey } })).json()) as { status: string };
    assert.equal(api.status, 'CREDENTIALS');
  });
});
