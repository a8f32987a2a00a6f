import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Sealer } from '../../src/server/security/sealer.js';
import { openStore, type Store } from '../../src/server/store/database.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, submitOk, type Harness } from './harness.js';
import { sseReader } from './sse-reader.js';

announceSkips();

const postgres = dialects().find((dialect) => dialect.name === 'postgres');
/** Far longer than a notified change needs, far shorter than the poll a live listener allows (NOTIFIED_POLL_MS). */
const NOTIFIED_WITHIN_MS = 300;
/** The fallback poll runs every 250 ms; this leaves room for a busy machine. */
const POLLED_WITHIN_MS = 3000;

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('flow events across two instances on one PostgreSQL', { skip: postgres?.skip ?? 'no PostgreSQL dialect' }, () => {
  const url = postgres?.url as string;
  const schema = `kw_test_${randomBytes(6).toString('hex')}`;
  const sealer = new Sealer(randomBytes(32));
  const instances: Harness[] = [];
  let a: Harness;

  /** Another instance: its own store (pool and listener) on the same schema, the same encryption key. */
  async function instance(options: { listenerRetryMs?: number } = {}): Promise<Harness> {
    const store = await openStore({ url, schema, ...options });
    const started = await createHarness(url, { store, sealer });
    instances.push(started);
    return started;
  }

  before(async () => {
    a = await instance();
  });
  after(async () => {
    for (const started of instances) await started.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** A flow opened through instance A, with its event stream open on `on` and the first event read. */
  async function waitingStream(on: Harness) {
    const { token, flow } = await openFlow(a, await createLink(a));
    const response = await on.app.request('/api/v1/flows/current/events', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const events = sseReader(response);
    assert.equal(JSON.parse((await events.next()).data).step.kind, 'providers');
    return { token, flow, events };
  }

  function feedOf(store: Store) {
    assert.ok(store.changeFeed, 'a PostgreSQL store has a change feed');
    return store.changeFeed;
  }

  async function dropListener(store: Store): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [feedOf(store).connectionName]);
    await client.end();
    assert.equal(rowCount, 1);
  }

  it('a change committed on instance A reaches a stream on instance B at once, by notification', async () => {
    const b = await instance();
    const { token, flow, events } = await waitingStream(b);
    await until(() => feedOf(b.store).isLive, 5000, "B's listener is up");
    await submitOk(a, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
    const committed = performance.now();
    const changed = await events.next();
    const tookMs = performance.now() - committed;
    assert.equal(JSON.parse(changed.data).step.kind, 'credentials');
    assert.ok(tookMs < NOTIFIED_WITHIN_MS, `the change took ${tookMs.toFixed(0)} ms to arrive`);
    await events.cancel();
  });

  it('while the listener is down, streams still see changes by polling', async () => {
    // A reconnection far off, so the change can only arrive by the poll.
    const b = await instance({ listenerRetryMs: 60_000 });
    const { token, flow, events } = await waitingStream(b);
    await until(() => feedOf(b.store).isLive, 5000, "B's listener is up");
    await dropListener(b.store);
    await until(() => !feedOf(b.store).isLive, 5000, "B's listener is seen lost");
    await submitOk(a, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
    const committed = performance.now();
    const changed = await events.next();
    assert.equal(JSON.parse(changed.data).step.kind, 'credentials');
    assert.ok(performance.now() - committed < POLLED_WITHIN_MS);
    assert.equal(feedOf(b.store).isLive, false);
    await events.cancel();
  });

  it('a lost listener reconnects and notifications flow again', async () => {
    const b = await instance();
    await waitingStream(b).then(({ events }) => events.cancel());
    await until(() => feedOf(b.store).isLive, 5000, "B's listener is up");
    await dropListener(b.store);
    await until(() => !feedOf(b.store).isLive, 5000, "B's listener is seen lost");
    await until(() => feedOf(b.store).isLive, 10_000, "B's listener is back");
    const { token, flow, events } = await waitingStream(b);
    await submitOk(a, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
    const committed = performance.now();
    const changed = await events.next();
    const tookMs = performance.now() - committed;
    assert.equal(JSON.parse(changed.data).step.kind, 'credentials');
    assert.ok(tookMs < NOTIFIED_WITHIN_MS, `the change took ${tookMs.toFixed(0)} ms to arrive`);
    await events.cancel();
  });
});
