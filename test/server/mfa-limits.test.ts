import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MFA_ATTEMPTS } from '../../src/server/providers/demo.js';
import { FLOW_MFA_ATTEMPTS } from '../../src/server/flows/mfa-attempts.js';
import { DEFAULT_LIMITS } from '../../src/server/security/rate-limits.js';
import { announceSkips, createHarness, dialects, submit, submitOk, toMfaStep, totpCode, wrongCode, type FlowJson, type Harness } from './harness.js';

announceSkips();

/** From an MFA step back to the providers and through the demo's credentials to a fresh challenge. */
async function freshChallenge(h: Harness, token: string, mfa: FlowJson): Promise<FlowJson> {
  const providers = await submitOk(h, token, { kind: 'back', stepId: mfa.step.id });
  const credentials = await submitOk(h, token, { kind: 'providers', stepId: providers.step.id, provider: 'DEMO' });
  return submitOk(h, token, { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo' } });
}

for (const dialect of dialects()) {
  describe(`MFA attempts across challenges (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('keeps counting wrong codes when the user goes back for a fresh challenge, and locks the flow at its budget', async () => {
      let { token, flow } = await toMfaStep(h);
      let wrong = 0;
      // Two wrong codes per challenge, then back for a new one, until the flow is locked.
      for (let round = 0; round < 10 && flow.status === 'active' && flow.step.kind === 'mfa'; round += 1) {
        for (let n = 0; n < 2 && flow.step.kind === 'mfa'; n += 1) {
          flow = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: wrongCode(h.clock.now) });
          wrong += 1;
        }
        if (flow.step.kind === 'mfa') flow = await freshChallenge(h, token, flow);
      }
      assert.equal(wrong, FLOW_MFA_ATTEMPTS, 'the flow accepts its budget of codes and no more');
      assert.equal(flow.status, 'failed');
      assert.equal(flow.step['reason'], 'mfa_locked');
      const row = await h.store.db.selectFrom('flows').select('mfa_attempts').where('id', '=', flow.id).executeTakeFirstOrThrow();
      assert.equal(row.mfa_attempts, FLOW_MFA_ATTEMPTS);
    });

    it('gives a fresh challenge only what the flow has left, and shows that as attemptsLeft', async () => {
      const first = await toMfaStep(h);
      assert.equal(first.flow.step['attemptsLeft'], Math.min(DEMO_MFA_ATTEMPTS, FLOW_MFA_ATTEMPTS));
      let flow = first.flow;
      for (let n = 0; n < DEMO_MFA_ATTEMPTS - 1; n += 1) flow = await submitOk(h, first.token, { kind: 'mfa', stepId: flow.step.id, code: wrongCode(h.clock.now) });
      const again = await freshChallenge(h, first.token, flow);
      assert.equal(again.step['attemptsLeft'], Math.min(DEMO_MFA_ATTEMPTS, FLOW_MFA_ATTEMPTS - (DEMO_MFA_ATTEMPTS - 1)));
      const done = await submitOk(h, first.token, { kind: 'mfa', stepId: again.step.id, code: totpCode(h.clock.now) });
      assert.equal(done.status, 'succeeded', 'a right code within the budget still works');
    });

    it('spends one attempt per code even when the same step is answered many times at once', async () => {
      const { token, flow } = await toMfaStep(h);
      const answers = await Promise.all(Array.from({ length: 8 }, () => submit(h, token, { kind: 'mfa', stepId: flow.step.id, code: wrongCode(h.clock.now) })));
      assert.ok(answers.every((answer) => answer.status === 200 || answer.status === 409), 'every answer is the next step or a conflict');
      const row = await h.store.db.selectFrom('flows').select('mfa_attempts').where('id', '=', flow.id).executeTakeFirstOrThrow();
      assert.ok(row.mfa_attempts <= FLOW_MFA_ATTEMPTS, `at most the budget was spent (${row.mfa_attempts})`);
    });
  });

  describe(`MFA attempts per account across flows (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('refuses codes for an account with too many wrong ones, on any new flow and even when the code is right', async () => {
      const limit = DEFAULT_LIMITS.mfa_account_failures.points;
      let wrong = 0;
      while (wrong < limit) {
        let { token, flow } = await toMfaStep(h);
        for (let n = 0; n < 2 && wrong < limit; n += 1) {
          flow = await submitOk(h, token, { kind: 'mfa', stepId: flow.step.id, code: wrongCode(h.clock.now) });
          wrong += 1;
        }
      }
      const { token, flow } = await toMfaStep(h);
      const refused = await submit(h, token, { kind: 'mfa', stepId: flow.step.id, code: totpCode(h.clock.now) });
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= DEFAULT_LIMITS.mfa_account_failures.blockSeconds, `Retry-After ${retryAfter}`);
      const body = (await refused.json()) as { error: { code: string; details: { limit: string } } };
      assert.equal(body.error.code, 'rate_limited');
      assert.equal(body.error.details.limit, 'mfa_account_failures');
      const row = await h.store.db.selectFrom('flows').select('mfa_attempts').where('id', '=', flow.id).executeTakeFirstOrThrow();
      assert.equal(row.mfa_attempts, 0, 'a refused code costs the flow nothing and is not checked');
    });
  });
}
