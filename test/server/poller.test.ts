import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startPoller } from '../../src/server/jobs/poller.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('background poller', () => {
  it('backs off while the database is unavailable, logs once on pausing and once on resuming, then polls as usual', async () => {
    const calls: number[] = [];
    const logs: string[] = [];
    let failuresLeft = 6;
    const poller = startPoller({
      name: 'test job',
      pollMs: 20,
      maxBackoffMs: 200,
      log: (line) => logs.push(line),
      pass: async () => {
        calls.push(performance.now());
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw refused();
        }
        return 0;
      },
    });
    const deadline = Date.now() + 5000;
    while (calls.length < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await poller.stop();
    assert.ok(calls.length >= 10, `passes ran: ${calls.length}`);

    const gaps = calls.slice(1).map((at, index) => at - (calls[index] as number));
    // Failures 1-6 are followed by waits of 20, 40, 80, 160, 200, 200 ms; successes by 20 ms again.
    const shown = gaps.map(Math.round).join(', ');
    assert.ok((gaps[2] as number) >= 75 && (gaps[3] as number) >= 150, `the wait doubles: ${shown}`);
    assert.ok(gaps.slice(4, 6).every((gap) => gap >= 190 && gap < 350), `the wait is capped: ${shown}`);
    assert.ok(gaps.slice(7).every((gap) => gap < 120), `back to the usual pace: ${shown}`);

    assert.equal(logs.length, 2, logs.join('\n'));
    assert.match(logs[0] as string, /^\[keyway\] test job paused: the database is unavailable \(connect ECONNREFUSED 127\.0\.0\.1:5432\); retrying with back-off up to 0\.2 s$/);
    assert.match(logs[1] as string, /^\[keyway\] test job resumed/);
  });

  it('runs a pass at once when kicked during a pause, and never after stop()', async () => {
    let passes = 0;
    let failing = true;
    const poller = startPoller({
      name: 'test job',
      pollMs: 60_000,
      log: () => {},
      pass: async () => {
        passes += 1;
        if (failing) throw refused();
        return 1;
      },
    });
    assert.equal(await poller.drain(), 0);
    failing = false;
    poller.kick();
    await poller.drain();
    assert.equal(passes, 3);
    await poller.stop();
    poller.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(passes, 3);
  });

  it('keeps logging other failures, which are bugs rather than an outage', async () => {
    const logs: string[] = [];
    const poller = startPoller({ name: 'test job', pollMs: 60_000, log: (line) => logs.push(line), pass: async () => Promise.reject(new Error('boom')) });
    await poller.drain();
    await poller.drain();
    await poller.stop();
    assert.deepEqual(logs, ['[keyway] test job pass failed: boom', '[keyway] test job pass failed: boom']);
  });
});
