import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { keywayEnv, kill, spawnKeyway, type KeywayProcess } from './keyway-process.js';

const ENTRY = ['--import', 'tsx', new URL('./keyway-source.ts', import.meta.url).pathname];
const pgUrl = process.env['KEYWAY_TEST_DATABASE_URL'];

/** Runs `keyway start` to its end (it must end by itself); resolves with its exit code and output. */
function runToExit(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...ENTRY, 'start'], { env: { ...process.env, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin?.end();
  });
}

describe('start-up failures', () => {
  it('names the setting, redacted, when the database is not there, and exits 1', async () => {
    const { code, output } = await runToExit(keywayEnv({ KEYWAY_DATABASE_URL: 'postgres://keyway:s3cret-pass@127.0.0.1:5999/keyway' }), 20_000);
    assert.equal(code, 1, output);
    assert.match(output, /KEYWAY_DATABASE_URL/);
    assert.match(output, /postgres:\/\/keyway:\*\*\*@127\.0\.0\.1:5999\/keyway/);
    assert.match(output, /ECONNREFUSED/);
    assert.doesNotMatch(output, /s3cret-pass/);
    assert.doesNotMatch(output, /Keyway listening/);
  });
});

describe('two instances starting at once on a fresh PostgreSQL database', { skip: pgUrl ? false : 'KEYWAY_TEST_DATABASE_URL is unset' }, () => {
  const database = `kw_start_${randomBytes(5).toString('hex')}`;
  const children: KeywayProcess[] = [];
  after(async () => {
    children.forEach((keyway) => kill(keyway.child));
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('both come up with their URL and a working demo key, and both stop with 0', async () => {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(pgUrl as string);
    url.pathname = `/${database}`;
    const env = () => keywayEnv({ KEYWAY_DATABASE_URL: url.href, KEYWAY_PUBLIC_URL: 'http://127.0.0.1:0' });
    const started = await Promise.all([spawnKeyway(env(), ['start', '--demo']), spawnKeyway(env(), ['start', '--demo'])]);
    children.push(...started);
    for (const keyway of started) {
      const key = await waitForLine(keyway, /^API key: (\S+)/);
      const response = await fetch(`${keyway.url}/api/v1/hosted/accounts/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ type: 'create', providers: '*', api_url: 'https://api.acme.test', expiresOn: new Date(Date.now() + 3_600_000).toISOString() }),
      });
      assert.equal(response.status, 201, `the key ${keyway.url} printed works`);
      await response.body?.cancel();
    }
    for (const keyway of started) keyway.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all(started.map((keyway) => keyway.exited(15_000))), [0, 0]);
  });
});

async function waitForLine(keyway: KeywayProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = keyway.lines.map((line) => pattern.exec(line)).find(Boolean);
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${keyway.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
