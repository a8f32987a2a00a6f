import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  announceSkips,
  createHarness,
  createLink,
  dialects,
  openFlow,
  postJson,
  submit,
  submitOk,
  toMfaStep,
  totpCode,
  wrongCode,
  type Harness,
} from './harness.js';

announceSkips();

type ErrorJson = { error: { code: string; message: string; details?: Record<string, unknown> } };

for (const dialect of dialects()) {
  describe(`flow API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    const outboxEvents = async () =>
      (await h.store.db.selectFrom('webhook_outbox').select('body').orderBy('created_at').execute()).map((row) => JSON.parse(row.body) as Record<string, unknown>);
    const flowVersion = async (id: string) => (await h.store.db.selectFrom('flows').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

    it('opens a flow on the providers step with only the providers the link allows', async () => {
      const { token, flow } = await openFlow(h, await createLink(h, { providers: ['DEMO'] }));
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(flow.status, 'active');
      assert.equal(flow.step.kind, 'providers');
      assert.deepEqual((flow.step['providers'] as { id: string; demo: boolean }[]).map((p) => [p.id, p.demo]), [['DEMO', true]]);
      assert.deepEqual(flow.hostOrigins, ['https://app.acme.test']);
      assert.deepEqual((flow as unknown as { progress: unknown }).progress, { step: 1, of: 3 });
    });

    it('walks the demo provider through credentials and TOTP to success, storing the account and queuing the webhook', async () => {
      const { token, flow } = await toMfaStep(h, { name: 'user-77' });
      assert.equal(flow.step.kind, 'mfa');
      assert.equal(flow.step['length'], 6);
      assert.equal(flow.step['attemptsLeft'], 3);
      assert.equal(flow.step['providerName'], 'Demo provider');
      assert.deepEqual((flow as unknown as { progress: unknown }).progress, { step: 3, of: 3 });
      const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      assert.equal(done.status, 'succeeded');
      assert.equal(done.step.kind, 'success');
      const accountId = String(done.step['accountId']);
      assert.equal(done.step['redirectUrl'], `https://app.acme.test/connected?account_id=${accountId}`);
      const account = await h.store.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
      assert.equal(account.provider, 'DEMO');
      assert.equal(account.status, 'OK');
      assert.equal(account.name, 'user-77');
      assert.ok(!account.sealed_secrets.includes('demo'), 'secrets are encrypted at rest');
      const event = (await outboxEvents()).find((e) => e['account_id'] === accountId);
      assert.ok(event);
      assert.equal(event['status'], 'CREATION_SUCCESS');
      assert.equal(event['name'], 'user-77');
      assert.equal(event['provider'], 'DEMO');
      assert.match(String(event['event_id']), /^[0-9a-f-]{36}$/);
    });

    it('reads the current flow with the Bearer token', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const response = await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { step: { id: string } }).step.id, flow.step.id);
    });

    it('answers a wrong password with a field error on the same step, not a failure', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const again = await submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'nope' } });
      assert.equal(again.status, 'active');
      assert.equal(again.step.kind, 'credentials');
      assert.notEqual(again.step.id, credentials.step.id);
      assert.ok((again.step['errors'] as Record<string, string>)['password']);
    });

    it('maps a missing required value onto its field with the shared rules', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const again = await submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: '', password: 'x' } });
      assert.deepEqual(again.step['errors'], { username: 'required' });
    });

    it('does not advance twice when the same step is submitted twice', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const input = { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' };
      const first = await submit(h, token, input);
      assert.equal(first.status, 200);
      const version = await flowVersion(flow.id);
      const second = await submit(h, token, input);
      assert.equal(second.status, 409);
      assert.equal(((await second.json()) as ErrorJson).error.code, 'step_mismatch');
      assert.equal(await flowVersion(flow.id), version);
    });

    it('lets exactly one of two concurrent submits of a step win', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const input = { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' };
      const statuses = (await Promise.all([submit(h, token, input), submit(h, token, input), submit(h, token, input)])).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409]);
      assert.equal(await flowVersion(flow.id), 2);
    });

    it('locks the challenge after the allowed wrong codes and fails the flow with mfa_locked', async () => {
      const { token, flow } = await toMfaStep(h);
      let step = flow.step;
      for (const left of [2, 1]) {
        const next = await submitOk(h, token, { kind: 'mfa', stepId: step.id, code: wrongCode(h.clock.now) });
        assert.equal(next.step.kind, 'mfa');
        assert.equal(next.step['attemptsLeft'], left);
        assert.equal(next.step['error'], 'invalid_code');
        step = next.step;
      }
      const locked = await submitOk(h, token, { kind: 'mfa', stepId: step.id, code: wrongCode(h.clock.now) });
      assert.equal(locked.status, 'failed');
      assert.equal(locked.step.kind, 'failure');
      assert.equal(locked.step['reason'], 'mfa_locked');
      assert.equal(locked.step['redirectUrl'], 'https://app.acme.test/failed?reason=mfa_locked');
      const challenge = await h.store.db.selectFrom('challenges').selectAll().where('flow_id', '=', flow.id).executeTakeFirstOrThrow();
      assert.equal(challenge.attempts, 3);
      const late = await submit(h, token, { kind: 'mfa', stepId: locked.step.id, code: totpCode(h.clock.now) });
      assert.equal(late.status, 409);
      const event = (await outboxEvents()).at(-1);
      assert.equal(event?.['status'], 'CREATION_FAILED');
      assert.equal(event?.['reason'], 'mfa_locked');
    });

    it('counts concurrent wrong codes in the database, so racing cannot exceed the limit', async () => {
      const { token, flow } = await toMfaStep(h);
      const input = { kind: 'mfa', stepId: flow.step.id, code: wrongCode(h.clock.now) };
      await Promise.all(Array.from({ length: 6 }, () => submit(h, token, input)));
      const challenge = await h.store.db.selectFrom('challenges').selectAll().where('flow_id', '=', flow.id).executeTakeFirstOrThrow();
      assert.ok(challenge.attempts <= challenge.max_attempts);
    });

    it('fails with user_cancelled when the user cancels', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const cancelled = await submitOk(h, token, { kind: 'cancel', stepId: flow.step.id });
      assert.equal(cancelled.status, 'failed');
      assert.equal(cancelled.step['reason'], 'user_cancelled');
      assert.equal(cancelled.step['redirectUrl'], 'https://app.acme.test/failed?reason=user_cancelled');
    });

    it('goes back from a provider step to provider selection', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const back = await submitOk(h, token, { kind: 'back', stepId: credentials.step.id });
      assert.equal(back.step.kind, 'providers');
    });

    it('refuses a link token used twice, unknown, or expired, changing nothing', async () => {
      const link = await createLink(h);
      await openFlow(h, link);
      const flows = await h.store.db.selectFrom('flows').select('id').execute();
      const reused = await postJson(h.app, '/api/v1/flows', { link });
      assert.equal(reused.status, 409);
      assert.equal(((await reused.json()) as ErrorJson).error.code, 'link_used');
      const unknown = await postJson(h.app, '/api/v1/flows', { link: 'x'.repeat(43) });
      assert.equal(unknown.status, 404);
      const expiring = await createLink(h, { expiresOn: new Date(h.clock.now + 60_000).toISOString() });
      h.clock.advance(61_000);
      const expired = await postJson(h.app, '/api/v1/flows', { link: expiring });
      assert.equal(expired.status, 410);
      const body = (await expired.json()) as ErrorJson;
      assert.equal(body.error.code, 'link_expired');
      assert.equal(body.error.details?.['redirectUrl'], 'https://app.acme.test/failed?reason=link_expired');
      assert.equal((await h.store.db.selectFrom('flows').select('id').execute()).length, flows.length);
    });

    it('expires an open flow after its lifetime, then refuses its token after the read grace', async () => {
      const reported = (await outboxEvents()).filter((e) => e['reason'] === 'link_expired').length;
      const { token, flow } = await openFlow(h, await createLink(h));
      h.clock.advance(31 * 60 * 1000);
      const stale = await submit(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      assert.equal(stale.status, 410);
      assert.equal(((await stale.json()) as ErrorJson).error.code, 'flow_expired');
      const read = await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } });
      const expired = (await read.json()) as { status: string; step: { kind: string; reason: string } };
      assert.equal(expired.status, 'expired');
      assert.equal(expired.step.reason, 'link_expired');
      const failures = (await outboxEvents()).filter((e) => e['reason'] === 'link_expired');
      assert.equal(failures.length - reported, 1, 'one failure webhook, however often the flow is read');
      h.clock.advance(2 * 60 * 60 * 1000);
      const late = await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(late.status, 401);
      assert.equal(((await late.json()) as ErrorJson).error.code, 'token_expired');
    });

    const badSteps: [string, (stepId: string) => unknown, number, string][] = [
      ['an input of another step kind', (stepId) => ({ kind: 'mfa', stepId, code: '123456' }), 422, 'input_mismatch'],
      ['a provider the link does not allow', (stepId) => ({ kind: 'providers', stepId, provider: 'GOOGLE' }), 422, 'unknown_provider'],
      ['an unknown input kind', (stepId) => ({ kind: 'teleport', stepId }), 422, 'invalid_request'],
      ['an extra field', (stepId) => ({ kind: 'cancel', stepId, now: true }), 422, 'invalid_request'],
      ['a missing stepId', () => ({ kind: 'cancel' }), 422, 'invalid_request'],
      ['a stale stepId', () => ({ kind: 'cancel', stepId: 'old-step' }), 409, 'step_mismatch'],
    ];
    for (const [name, input, status, code] of badSteps) {
      it(`refuses ${name} with ${status} ${code} and leaves the flow as it was`, async () => {
        const { token, flow } = await openFlow(h, await createLink(h));
        const response = await submit(h, token, input(flow.step.id) as Record<string, unknown>);
        assert.equal(response.status, status);
        assert.equal(((await response.json()) as ErrorJson).error.code, code);
        assert.equal(await flowVersion(flow.id), 1);
      });
    }

    it('refuses unknown fields in credentials with 422', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const response = await submit(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo', pin: '1' } });
      assert.equal(response.status, 422);
    });

    for (const [name, headers, code] of [
      ['no token', {}, 'missing_token'],
      ['a malformed token', { authorization: 'Bearer !!' }, 'missing_token'],
      ['an unknown token', { authorization: `Bearer ${'y'.repeat(43)}` }, 'invalid_token'],
    ] as const) {
      it(`refuses ${name} on the flow API with 401`, async () => {
        const response = await h.app.request('/api/v1/flows/current', { headers });
        assert.equal(response.status, 401);
        assert.equal(((await response.json()) as ErrorJson).error.code, code);
      });
    }

    it('reconnects an existing account: same id, RECONNECTED webhook', async () => {
      const { token, flow } = await toMfaStep(h);
      const done = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      const accountId = String(done.step['accountId']);
      const again = await toMfaStep(h, { type: 'reconnect', reconnect_account: accountId });
      const reconnected = await submitOk(h, again.token, { kind: 'mfa', stepId: again.flow.step.id, code: totpCode(h.clock.now) });
      assert.equal(reconnected.step['accountId'], accountId);
      assert.equal((await outboxEvents()).at(-1)?.['status'], 'RECONNECTED');
    });
  });
}
