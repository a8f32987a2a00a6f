import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { handleError } from '../../src/server/errors.js';
import { isDatabaseUnavailable } from '../../src/server/store/unavailable.js';
import { createHarness, createLink, openFlow, type Harness } from './harness.js';

type ErrorJson = { error: { code: string; message: string } };

/** An error shaped like the ones pg, pg-pool, net and better-sqlite3 raise. */
function driverError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

/** Reads `event:`/`data:` blocks until the stream ends. */
async function allEvents(response: Response): Promise<{ event: string; data: string }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return { event: field('event'), data: field('data') };
    });
}

describe('errors that mean the database is unavailable', () => {
  it('recognises connection failures, terminations and lock timeouts of both dialects, and nothing else', () => {
    const unavailable = [
      driverError('terminating connection due to administrator command', '57P01'),
      driverError('the database system is starting up', '57P03'),
      driverError('database "keyway" is not currently accepting connections', '55000'),
      driverError('connection failure', '08006'),
      driverError('canceling statement due to statement timeout', '57014'),
      driverError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      driverError('read ECONNRESET', 'ECONNRESET'),
      driverError('Connection terminated unexpectedly'),
      driverError('timeout exceeded when trying to connect'),
      new Error('timeout exceeded when trying to connect', { cause: driverError('Connection terminated due to connection timeout') }),
      driverError('Client has encountered a connection error and is not queryable'),
      driverError('database is locked', 'SQLITE_BUSY'),
      driverError('database table is locked', 'SQLITE_LOCKED_SHAREDCACHE'),
      driverError('disk I/O error', 'SQLITE_IOERR_WRITE'),
    ];
    for (const error of unavailable) assert.ok(isDatabaseUnavailable(error), error.message);
    const others = [
      driverError('duplicate key value violates unique constraint', '23505'),
      driverError('cannot refresh materialized view concurrently', '55000'),
      driverError('password authentication failed for user "keyway"', '28P01'),
      driverError('UNIQUE constraint failed: links.id', 'SQLITE_CONSTRAINT_UNIQUE'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'ECONNREFUSED',
    ];
    for (const error of others) assert.equal(isDatabaseUnavailable(error), false, String(error));
  });

  it('answers 503 database_unavailable with Retry-After instead of a 500', async () => {
    const app = new Hono();
    app.get('/terminated', () => {
      throw driverError('terminating connection due to administrator command', '57P01');
    });
    app.get('/bug', () => {
      throw new TypeError('a bug');
    });
    app.onError(handleError);
    const response = await app.request('/terminated');
    assert.equal(response.status, 503);
    assert.ok(Number(response.headers.get('retry-after')) > 0);
    assert.equal(((await response.json()) as ErrorJson).error.code, 'database_unavailable');
    const originalError = console.error;
    console.error = () => {};
    try {
      assert.equal((await app.request('/bug')).status, 500, 'other errors stay 500');
    } finally {
      console.error = originalError;
    }
  });
});

describe('GET /readyz (sqlite)', () => {
  let h: Harness;
  after(() => h.close());

  it('is ready while the database answers; /healthz says only that the process is alive', async () => {
    h = await createHarness(':memory:');
    const ready = await h.app.request('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
    assert.equal(ready.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await (await h.app.request('/healthz')).json(), { status: 'ok' });
  });

  it('says stopping once shutdown has begun, so a load balancer drains the instance', async () => {
    const app = createApp({ ...h.services, shutdown: AbortSignal.abort() });
    const response = await app.request('/readyz');
    assert.equal(response.status, 503);
    assert.ok(response.headers.get('retry-after'));
    assert.equal(((await response.json()) as ErrorJson).error.code, 'stopping');
  });

  it('ends an event stream with a shutdown event when shutdown begins', async () => {
    const shutdown = new AbortController();
    const app = createApp({ ...h.services, shutdown: shutdown.signal });
    const { token } = await openFlow(h, await createLink(h));
    const response = await app.request('/api/v1/flows/current/events', { headers: { authorization: `Bearer ${token}` } });
    setTimeout(() => shutdown.abort(), 100);
    const events = await allEvents(response);
    assert.deepEqual(
      events.map((event) => event.event),
      ['flow', 'shutdown'],
    );
    assert.deepEqual(JSON.parse(events[1]?.data ?? ''), { reconnect: true });
  });

  it('ends an event stream with the error body when the database goes away, and /readyz answers 503', async () => {
    const { token } = await openFlow(h, await createLink(h));
    const response = await h.app.request('/api/v1/flows/current/events', { headers: { authorization: `Bearer ${token}` } });
    setTimeout(() => void h.store.close(), 100);
    const events = await allEvents(response);
    assert.deepEqual(
      events.map((event) => event.event),
      ['flow', 'error'],
    );
    assert.equal((JSON.parse(events[1]?.data ?? '') as ErrorJson).error.code, 'database_unavailable');

    const notReady = await h.app.request('/readyz');
    assert.equal(notReady.status, 503);
    assert.ok(Number(notReady.headers.get('retry-after')) > 0);
    assert.equal(((await notReady.json()) as ErrorJson).error.code, 'database_unavailable');
  });
});
