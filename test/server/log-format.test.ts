import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startUntil, stop } from '../../bench/processes.js';
import { loadConfig } from '../../src/server/config.js';
import { jsonLogger, routeConsoleTo } from '../../src/server/logger.js';
import { acceptedRequestId } from '../../src/server/middleware/request-log.js';
import { keywayEnv, removeDataDir, runKeywayCli } from './keyway-process.js';

const ENTRY = ['--import', 'tsx', new URL('./keyway-source.ts', import.meta.url).pathname];
const SECRET = 'sekrit-7f3a9c';

interface LogLine {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  method?: string;
  route?: string;
  path?: string;
  status?: number;
  durationMs?: number;
}

/** `keyway start` from source in `format`, resolved once it says where it listens. */
async function startInFormat(format: 'json' | undefined, listening: RegExp) {
  const env = keywayEnv(format ? { KEYWAY_LOG_FORMAT: format } : {});
  const started = await startUntil(process.execPath, [...ENTRY, 'start'], listening, env, 30_000);
  after(() => removeDataDir(env));
  return { ...started, url: started.match[1] as string };
}

/** Requests that carry secrets in every place a careless logger would copy: query, path token, headers. */
async function requestsWithSecrets(url: string): Promise<Response[]> {
  return Promise.all([
    fetch(`${url}/healthz?token=${SECRET}`, { headers: { 'x-request-id': 'lb-0042.a_b' } }),
    fetch(`${url}/api/v1/accounts?api_key=${SECRET}`, { headers: { 'x-api-key': SECRET, 'x-request-id': '{"level":"error","msg":"forged"}' } }),
    fetch(`${url}/users/self`, { headers: { authorization: `Bearer ${SECRET}` } }),
    fetch(`${url}/connect/${SECRET}`),
    fetch(`${url}/no-such-page?token=${SECRET}`, { method: 'POST', body: SECRET }),
  ]);
}

describe('KEYWAY_LOG_FORMAT=json', () => {
  it('writes only JSON lines: startup and one per request with its id, method, route, status and duration, and no secret', async () => {
    const keyway = await startInFormat('json', /"msg":"Keyway listening on (\S+) /);
    const [health, accounts, self, connect, missing] = await requestsWithSecrets(keyway.url);
    await stop(keyway.child);
    const output = keyway.lines.join('\n');
    assert.ok(!output.includes(SECRET), `a secret reached the log:\n${output}`);

    const lines = keyway.lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);
    for (const line of lines) {
      assert.equal(typeof line.level, 'string');
      assert.ok(!Number.isNaN(Date.parse(line.time)), `time is a timestamp: ${line.time}`);
      assert.equal(typeof line.msg, 'string');
    }
    assert.ok(lines.some((line) => line.msg.startsWith('Keyway listening on')), 'the startup line goes through the logger');
    assert.ok(lines.some((line) => line.msg.startsWith('Keyway stopped')), 'the shutdown line too, flushed before the exit');

    const requests = lines.filter((line) => line.msg === 'request');
    const byId = (response: Response | undefined) => {
      const id = response?.headers.get('x-request-id') ?? '';
      assert.ok(id, 'every response carries X-Request-Id');
      const matching = requests.filter((line) => line.requestId === id);
      assert.equal(matching.length, 1, `one log line for request ${id}`);
      return matching[0] as LogLine;
    };
    assert.equal(health?.headers.get('x-request-id'), 'lb-0042.a_b', 'a short safe incoming id is kept');
    assert.match(accounts?.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'an unsafe incoming id is replaced');

    assert.deepEqual(pick(byId(health)), { level: 'info', method: 'GET', route: '/healthz', status: 200 });
    assert.deepEqual(pick(byId(accounts)), { level: 'info', method: 'GET', route: '/api/v1/accounts', status: 401 });
    assert.deepEqual(pick(byId(self)), { level: 'info', method: 'GET', route: '/users/self', status: 401 });
    assert.deepEqual(pick(byId(connect)), { level: 'info', method: 'GET', route: '/connect/:token', status: connect?.status });
    assert.deepEqual(pick(byId(missing)), { level: 'info', method: 'POST', path: '/no-such-page', status: 404 });
    for (const line of requests) assert.ok(typeof line.durationMs === 'number' && line.durationMs >= 0);
  });
});

describe('the JSON logger', () => {
  it('turns console output into JSON lines, an error into its err field, and logs a 5xx at level error', () => {
    const written: string[] = [];
    const logger = jsonLogger({ write: (chunk: string) => written.push(chunk) });
    const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    try {
      routeConsoleTo(logger);
      console.error('[keyway] unexpected error on GET /x:', new Error('boom'));
      console.warn('[keyway] warning: %s', 'a dependency said so');
    } finally {
      Object.assign(console, originals);
    }
    logger.request({ requestId: 'r1', method: 'POST', route: '/api/v1/users', path: '/api/v1/users', status: 503, durationMs: 12.345 });
    const [error, warning, request] = written.map((line) => JSON.parse(line) as LogLine & { err?: { message: string; stack: string } });
    assert.equal(error?.level, 'error');
    assert.equal(error?.msg, '[keyway] unexpected error on GET /x:');
    assert.equal(error?.err?.message, 'boom');
    assert.deepEqual([warning?.level, warning?.msg], ['warn', '[keyway] warning: a dependency said so']);
    assert.deepEqual(pick(request as LogLine), { level: 'error', method: 'POST', route: '/api/v1/users', status: 503 });
    assert.equal(request?.durationMs, 12.3);
    assert.equal(request?.path, undefined, 'the path is left out where the route names the endpoint');
  });
});

function pick(line: LogLine): Partial<LogLine> {
  const { level, method, route, path, status } = line;
  return { level, method, ...(route === undefined ? {} : { route }), ...(path === undefined ? {} : { path }), status };
}

describe('the human log format', () => {
  it('stays the default: one plain line per request, redacted, without query or request id', async () => {
    const keyway = await startInFormat(undefined, /^Keyway listening on (\S+)/);
    const [health, , , connect] = await requestsWithSecrets(keyway.url);
    await stop(keyway.child);
    assert.equal(health?.headers.get('x-request-id'), null);
    const output = keyway.lines.join('\n');
    assert.ok(!output.includes(SECRET), `a secret reached the log:\n${output}`);
    assert.ok(keyway.lines.some((line) => /^GET \/healthz 200 \d+\.\dms$/.test(line)), output);
    assert.ok(keyway.lines.some((line) => new RegExp(`^GET /connect/… ${connect?.status} \\d+\\.\\dms$`).test(line)), output);
    assert.ok(keyway.lines.every((line) => !line.startsWith('{')), 'no JSON in the human format');
  });
});

describe('log configuration', () => {
  it('refuses an unknown KEYWAY_LOG_FORMAT at startup with a message naming the choices', async () => {
    assert.throws(() => loadConfig({ KEYWAY_LOG_FORMAT: 'xml', KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }), /KEYWAY_LOG_FORMAT must be human or json, got "xml"/);
    const env = keywayEnv({ KEYWAY_LOG_FORMAT: 'JSON ' });
    const result = await runKeywayCli(env, ['start']);
    removeDataDir(env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /KEYWAY_LOG_FORMAT must be human or json, got "JSON "/);
  });

  it('keeps an incoming request id only when it is a short token of safe characters', () => {
    assert.equal(acceptedRequestId('0b5e-41aa.trace_7'), '0b5e-41aa.trace_7');
    for (const unsafe of ['', 'a'.repeat(65), 'id with spaces', 'id\nforged line', '{"level":"error"}', 'é']) assert.equal(acceptedRequestId(unsafe), undefined, unsafe);
  });
});
