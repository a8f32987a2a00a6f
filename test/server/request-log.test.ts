import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchedLog } from '../../src/server/middleware/request-log.js';

describe('batched request log', () => {
  it('writes the lines of one event-loop turn in one call, in order, and the next turn’s in another', async () => {
    const writes: string[] = [];
    const log = batchedLog((text) => writes.push(text));
    log('GET /a 200 1.0ms');
    log('POST /b 201 2.0ms');
    assert.deepEqual(writes, [], 'nothing is written while the turn runs');
    await new Promise((resolve) => setImmediate(resolve));
    log('GET /c 404 0.5ms');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, ['GET /a 200 1.0ms\nPOST /b 201 2.0ms', 'GET /c 404 0.5ms']);
  });
});
