import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { imapProvider } from '../../src/server/providers/imap.js';
import { dovecotAvailable, startDovecot, type DovecotPeer } from '../peers/dovecot.js';
import { createHarness, createLink, openFlow, submitOk, type FlowJson, type Harness } from './harness.js';

const skip = dovecotAvailable() ? false : 'Dovecot is not installed (apt-get install dovecot-imapd), so the IMAP tests are skipped';
if (skip) console.log(`# ${skip}`);

describe('IMAP adapter against a real Dovecot', { skip }, () => {
  let peer: DovecotPeer;
  let h: Harness;
  before(async () => {
    peer = await startDovecot();
    const trusted = imapProvider({ allowPrivateHosts: true, ca: peer.ca, timeoutMs: 5000 });
    const untrusting = imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 });
    const strict = imapProvider({ ca: peer.ca, timeoutMs: 5000 });
    h = await createHarness(':memory:', {
      providers: [trusted, { ...untrusting, summary: { ...untrusting.summary, id: 'IMAP_NO_CA' } }, { ...strict, summary: { ...strict.summary, id: 'IMAP_STRICT' } }],
    });
  });
  after(async () => {
    await h?.close();
    await peer?.stop();
  });

  async function credentialsStep(provider = 'IMAP'): Promise<{ token: string; flow: FlowJson }> {
    const { token, flow } = await openFlow(h, await createLink(h, { providers: [provider] }));
    return { token, flow: await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider }) };
  }

  const values = (overrides: Record<string, string> = {}) => ({
    email: peer.user,
    password: peer.password,
    host: 'localhost',
    port: String(peer.tlsPort),
    security: 'tls',
    ...overrides,
  });

  it('asks for email, password, server, port and security, with autofill hints', async () => {
    const { flow } = await credentialsStep();
    const fields = flow.step['fields'] as { name: string; type: string; autocomplete?: string }[];
    assert.deepEqual(fields.map((field) => [field.name, field.type]), [['email', 'email'], ['password', 'password'], ['host', 'text'], ['port', 'number'], ['security', 'select']]);
    assert.equal(fields[0]?.autocomplete, 'username');
    assert.equal(fields[1]?.autocomplete, 'current-password');
  });

  it('connects with a real IMAP LOGIN over TLS and keeps the password encrypted', async () => {
    const { token, flow } = await credentialsStep();
    const done = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values() });
    assert.equal(done.status, 'succeeded');
    const account = await h.store.db.selectFrom('accounts').selectAll().where('id', '=', String(done.step['accountId'])).executeTakeFirstOrThrow();
    assert.equal(account.external_id, `imap:${peer.user}@localhost`);
    assert.ok(!account.sealed_secrets.includes('horse'));
    assert.equal(h.services.sealer.openJson<Record<string, string>>(account.sealed_secrets)['password'], peer.password);
  });

  it('connects with STARTTLS on the plain port', async () => {
    const { token, flow } = await credentialsStep();
    const done = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values({ port: String(peer.plainPort), security: 'starttls' }) });
    assert.equal(done.status, 'succeeded');
  });

  it('answers a wrong password with an error on the password field, and the flow goes on', async () => {
    const { token, flow } = await credentialsStep();
    const again = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values({ password: 'wrong' }) });
    assert.equal(again.status, 'active');
    assert.equal(again.step.kind, 'credentials');
    assert.match(String((again.step['errors'] as Record<string, string>)['password']), /refused/);
    const retried = await submitOk(h, token, { kind: 'credentials', stepId: again.step.id, values: values() });
    assert.equal(retried.status, 'succeeded', 'the user can correct the password');
  });

  it('reports an untrusted certificate on the security field', async () => {
    const { token, flow } = await credentialsStep('IMAP_NO_CA');
    const again = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values() });
    assert.match(String((again.step['errors'] as Record<string, string>)['security']), /not trusted|TLS/);
  });

  it('reports an unreachable server on the host field', async () => {
    const { token, flow } = await credentialsStep();
    const again = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values({ port: '1' }) });
    assert.match(String((again.step['errors'] as Record<string, string>)['host']), /Could not connect/);
  });

  it('refuses servers on private networks unless the operator allows them', async () => {
    const { token, flow } = await credentialsStep('IMAP_STRICT');
    const again = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values() });
    assert.match(String((again.step['errors'] as Record<string, string>)['host']), /not allowed/);
    const count = await h.store.db.selectFrom('accounts').select('id').where('provider', '=', 'IMAP_STRICT').execute();
    assert.equal(count.length, 0, 'nothing stored');
  });

  it('reports a host that does not resolve', async () => {
    const { token, flow } = await credentialsStep();
    const again = await submitOk(h, token, { kind: 'credentials', stepId: flow.step.id, values: values({ host: 'no-such-host.invalid' }) });
    assert.match(String((again.step['errors'] as Record<string, string>)['host']), /No server was found/);
  });
});
