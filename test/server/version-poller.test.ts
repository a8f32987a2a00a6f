import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { versionPoller } from '../../src/server/flows/version-poller.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, submitOk, type Harness } from './harness.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`shared flow version poller (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('answers every waiting stream with its own flow’s version from one query per poll', async () => {
      const flows = await Promise.all([1, 2, 3].map(async () => (await openFlow(h, await createLink(h))).flow.id));
      const poller = versionPoller(h.store.db.withPlugin(counting), 20);
      queries = 0;
      const answers = await Promise.all([...flows, ...flows, 'no-such-flow'].map((id) => poller.next(id, undefined, () => true)));
      assert.equal(queries, 1);
      const expected = await Promise.all(flows.map((id) => h.services.engine.version(id)));
      assert.ok(expected.every((version) => typeof version === 'number'));
      assert.deepEqual(answers, [...expected, ...expected, undefined]);
    });

    it('sees a version changed by a step at the next poll', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const poller = versionPoller(h.store.db, 20);
      const before = await poller.next(flow.id, undefined, () => true);
      await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      const afterStep = await poller.next(flow.id, before, () => false);
      assert.equal(typeof before, 'number');
      assert.notEqual(afterStep, before);
      assert.equal(afterStep, await h.services.engine.version(flow.id));
    });

    it('leaves a stream whose flow has not changed waiting, poll after poll, until it is due', async () => {
      const { flow } = await openFlow(h, await createLink(h));
      const poller = versionPoller(h.store.db.withPlugin(counting), 5);
      const version = await h.services.engine.version(flow.id);
      let due = false;
      let woken = false;
      const waited = poller.next(flow.id, version, () => due).then((answer) => {
        woken = true;
        return answer;
      });
      queries = 0;
      while (queries < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(woken, false);
      due = true;
      assert.equal(await waited, version);
    });
  });
}
