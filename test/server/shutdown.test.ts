import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createKeyWithCli, keywayEnv, kill, removeDataDir, spawnKeyway, type KeywayProcess } from './keyway-process.js';

const GRACE_MS = 1500;

/** A raw connection that records what came back and when it was closed. */
function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve({ socket, received: () => data, closed }));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', () => {});
    socket.once('error', reject);
    const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now())));
  });
}

/** Reads server-sent events until the stream ends, recording each event's name and data. */
async function readEvents(response: Response, events: { event: string; data: string }[]): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const field = (name: string) => block.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      if (field('event')) events.push({ event: field('event') as string, data: field('data') ?? '' });
    }
  }
}

const LINK_BODY = JSON.stringify({ type: 'create', providers: '*', api_url: 'https://api.acme.test', expiresOn: new Date(Date.now() + 3_600_000).toISOString() });

describe('shutdown on SIGTERM', () => {
  const children: KeywayProcess[] = [];
  after(async () => {
    for (const keyway of children) {
      kill(keyway.child);
      await keyway.exited(5000).catch(() => {});
      removeDataDir(keyway.env);
    }
  });

  async function start(graceMs: number): Promise<{ keyway: KeywayProcess; apiKey: string }> {
    const env = keywayEnv({ KEYWAY_SHUTDOWN_GRACE_MS: String(graceMs), KEYWAY_DEMO: '1', KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0', KEYWAY_RATE_LIMITS: 'off' });
    const apiKey = await createKeyWithCli(env, 'acme');
    const keyway = await spawnKeyway(env);
    children.push(keyway);
    return { keyway, apiKey };
  }

  it('lets requests in flight finish, ends event streams with a last event, cuts stalled connections after the grace period and exits 0', async () => {
    const { keyway, apiKey } = await start(GRACE_MS);
    const link = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: LINK_BODY });
    assert.equal(link.status, 201);
    const linkToken = ((await link.json()) as { url: string }).url.split('/connect/')[1];
    const opened = await fetch(`${keyway.url}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: linkToken }) });
    const { token } = (await opened.json()) as { token: string };

    const stream = await fetch(`${keyway.url}/api/v1/flows/current/events`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(stream.status, 200);
    const events: { event: string; data: string }[] = [];
    const streamEnded = readEvents(stream, events);

    const silent = await rawConnection(keyway.url);
    const halfHeader = await rawConnection(keyway.url);
    halfHeader.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    // A request whose body is still arriving when the signal comes: the grace period is for it.
    const slowBody = await rawConnection(keyway.url);
    slowBody.socket.write(
      `POST /api/v1/hosted/accounts/link HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-API-Key: ${apiKey}\r\nContent-Length: ${Buffer.byteLength(LINK_BODY)}\r\n\r\n${LINK_BODY.slice(0, 20)}`,
    );
    // A request that only completes once shutdown has begun: readiness already says no.
    const lateReady = await rawConnection(keyway.url);
    lateReady.socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(events.map((event) => event.event), ['flow']);

    const signalled = performance.now();
    keyway.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    slowBody.socket.write(LINK_BODY.slice(20));
    lateReady.socket.write('\r\n');

    assert.equal(await keyway.exited(GRACE_MS + 2500), 0);
    const exitedAfter = performance.now() - signalled;
    await streamEnded;

    assert.equal(events.at(-1)?.event, 'shutdown', 'the stream ends with the shutdown event');
    assert.deepEqual(JSON.parse(events.at(-1)?.data ?? '{}'), { reconnect: true });
    assert.match(slowBody.received(), /^HTTP\/1\.1 201 /, 'the request in flight finished');
    assert.match(lateReady.received(), /^HTTP\/1\.1 503 /);
    assert.match(lateReady.received(), /\r\nconnection: close\r\n/i);
    assert.match(lateReady.received(), /"code":"stopping"/);
    assert.ok((await silent.closed) - signalled < 1000, 'an idle connection is closed at once');
    assert.equal(halfHeader.received(), '', 'a half-sent request gets no answer');
    const halfClosedAfter = (await halfHeader.closed) - signalled;
    assert.ok(halfClosedAfter >= GRACE_MS - 100, `a request still arriving is given the grace period (closed after ${Math.round(halfClosedAfter)} ms)`);
    assert.ok(exitedAfter < GRACE_MS + 2500, `exited ${Math.round(exitedAfter)} ms after SIGTERM`);

    const stopping = keyway.lines.findIndex((line) => line === 'Keyway stopping (grace 1.5 s)');
    const stopped = keyway.lines.findIndex((line) => /^Keyway stopped in \d+ ms$/.test(line));
    assert.ok(stopping >= 0 && stopped > stopping, `prints stopping then stopped:\n${keyway.lines.join('\n')}`);
  });

  it('exits at once on a second signal', async () => {
    const { keyway } = await start(60_000);
    const halfHeader = await rawConnection(keyway.url);
    halfHeader.socket.write('GET /healthz HTTP/1.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    keyway.child.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (!keyway.lines.some((line) => line.startsWith('Keyway stopping')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = performance.now();
    keyway.child.kill('SIGTERM');
    assert.equal(await keyway.exited(2000), 143);
    assert.ok(performance.now() - second < 1000);
    halfHeader.socket.destroy();
  });
});
