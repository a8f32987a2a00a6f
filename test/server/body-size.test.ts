import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { createHarness, linkRequest, type Harness } from './harness.js';

/** Posts `chunks` (chunked, unless `contentLength` is given) and reads the answer's status and error code. */
function post(port: number, path: string, chunks: string[], headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    // A connection of its own: a refused body leaves its socket unusable for the next request.
    const sent = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, code: (JSON.parse(text || '{}') as { error?: { code: string } }).error?.code }));
    });
    // The server may answer and close before the whole body is sent.
    sent.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) sent.write(chunk);
    sent.end();
  });
}

describe('body size limit on a real Node server', () => {
  let h: Harness;
  let server: ServerType;
  let port: number;
  before(async () => {
    h = await createHarness(':memory:');
    await new Promise<void>((resolve) => {
      server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.close();
    await h.close();
  });

  it('takes a body of declared length within the limit', async () => {
    const body = JSON.stringify(linkRequest(h.clock));
    const answer = await post(port, '/api/v1/hosted/accounts/link', [body], { 'x-api-key': h.apiKey, 'content-length': String(Buffer.byteLength(body)) });
    assert.equal(answer.status, 201);
  });

  it('refuses a declared Content-Length over 64 KB with 413', async () => {
    const answer = await post(port, '/api/v1/hosted/accounts/link', ['{}'], { 'x-api-key': h.apiKey, 'content-length': String(70 * 1024) });
    assert.equal(answer.status, 413);
    assert.equal(answer.code, 'payload_too_large');
  });

  it('refuses a chunked body once it grows over 64 KB, and takes a small chunked one', async () => {
    const huge = await post(port, '/api/v1/flows', Array.from({ length: 80 }, () => ' '.repeat(1024)), { 'transfer-encoding': 'chunked' });
    assert.equal(huge.status, 413);
    assert.equal(huge.code, 'payload_too_large');
    const small = await post(port, '/api/v1/hosted/accounts/link', [JSON.stringify(linkRequest(h.clock))], { 'x-api-key': h.apiKey, 'transfer-encoding': 'chunked' });
    assert.equal(small.status, 201);
  });
});
