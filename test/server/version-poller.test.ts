import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { NOTIFIED_POLL_MS, versionPoller } from '../../src/server/flows/version-poller.js';
import type { FlowChangeFeed, FlowChangeSubscriber } from '../../src/server/store/flow-change-feed.js';
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

    /** A live feed whose notifications the test sends itself. */
    function testFeed(): { feed: FlowChangeFeed; notify: (flowId: string) => void } {
      const subscribers: FlowChangeSubscriber[] = [];
      const feed: FlowChangeFeed = { isLive: true, connectionName: 'test', announce: () => {}, subscribe: (subscriber) => (subscribers.push(subscriber), () => {}), close: async () => {} };
      return { feed, notify: (flowId) => subscribers.forEach((subscriber) => subscriber.changed(flowId)) };
    }
    const settledWithin = <T>(promise: Promise<T>, ms: number) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

    it('answers a stream at once for a change notified while it was between two waits, not at the slow poll', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const { feed, notify } = testFeed();
      const poller = versionPoller(h.store.db, 60_000, feed);
      const seen = await h.services.engine.version(flow.id);
      await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      notify(flow.id);
      const next = poller.next(flow.id, seen, () => false);
      assert.equal(await settledWithin(next, NOTIFIED_POLL_MS / 2), true);
      assert.equal(await next, await h.services.engine.version(flow.id));
    });

    it('wakes no stream for a notification of a change it has already seen', async () => {
      const { token, flow } = await openFlow(h, await createLink(h));
      const { feed, notify } = testFeed();
      const poller = versionPoller(h.store.db, 60_000, feed);
      await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      notify(flow.id);
      let due = false;
      const next = poller.next(flow.id, await h.services.engine.version(flow.id), () => due);
      assert.equal(await settledWithin(next, 100), false);
      due = true;
      notify(flow.id);
      await next;
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
