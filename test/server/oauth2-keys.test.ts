import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { main } from '../../src/server/main.js';
import { DEFAULT_TOKEN_LIFETIMES, parseTokenLifetimes } from '../../src/server/oauth2/lifetimes.js';
import { KEY_CACHE_MS, rotateSigningKey } from '../../src/server/oauth2/signing-keys.js';
import { TokenService } from '../../src/server/oauth2/tokens.js';
import { Sealer } from '../../src/server/security/sealer.js';
import { openStore } from '../../src/server/store/database.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { bearer, createIdentity, jwtPart, signIn, type Identity } from './oauth2-fixtures.js';

announceSkips();

type Jwks = { keys: { kid: string; alg: string; use: string; kty: string; crv: string; d?: string }[] };

for (const dialect of dialects()) {
  describe(`discovery and signing keys (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let id: Identity;
    const jwks = async () => (await (await h.app.request('/.well-known/jwks.json')).json()) as Jwks;
    before(async () => {
      h = await createHarness(dialect.url as string);
      id = await createIdentity(h);
    });
    after(() => h.close());

    it('publishes an OpenID configuration whose issuer is the public URL', async () => {
      const response = await h.app.request('/.well-known/openid-configuration');
      assert.equal(response.status, 200);
      const document = (await response.json()) as Record<string, unknown>;
      assert.equal(document['issuer'], 'http://keyway.test');
      assert.equal(document['token_endpoint'], 'http://keyway.test/oauth2/token');
      assert.equal(document['jwks_uri'], 'http://keyway.test/.well-known/jwks.json');
      assert.equal(document['introspection_endpoint'], 'http://keyway.test/oauth2/introspect');
      assert.equal(document['revocation_endpoint'], 'http://keyway.test/oauth2/revoke');
      assert.equal(document['userinfo_endpoint'], 'http://keyway.test/oauth2/userinfo');
      assert.equal(document['authorization_endpoint'], 'http://keyway.test/oauth2/authorize');
      assert.deepEqual(document['code_challenge_methods_supported'], ['S256']);
      assert.deepEqual(document['grant_types_supported'], ['authorization_code', 'refresh_token', 'password', 'urn:keyway:params:oauth:grant-type:message-token']);
      assert.deepEqual(document['token_endpoint_auth_methods_supported'], ['client_secret_basic', 'client_secret_post', 'none']);
      assert.deepEqual(document['id_token_signing_alg_values_supported'], ['ES256']);
    });

    it('creates one ES256 key on first use and publishes only its public half', async () => {
      const tokens = await signIn(h, id);
      const { keys } = await jwks();
      assert.equal(keys.length, 1);
      assert.deepEqual([keys[0]?.kid, keys[0]?.alg, keys[0]?.use, keys[0]?.kty, keys[0]?.crv, keys[0]?.d], [jwtPart(tokens.access_token, 0)['kid'], 'ES256', 'sig', 'EC', 'P-256', undefined]);
      const row = await h.store.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
      assert.match(row.sealed_private_jwk, /^v1\./);
      assert.doesNotMatch(row.sealed_private_jwk, /"d"/);
      // A second instance on the same database signs with the same key instead of making one.
      const second = new TokenService({ db: h.store.db, sealer: h.services.sealer, issuer: 'http://keyway.test', clock: h.clock.read, lifetimes: DEFAULT_TOKEN_LIFETIMES });
      assert.equal((await second.keys.signingKey()).kid, keys[0]?.kid);
    });

    it('rotates: the old kid stays published and verifying, new tokens use the new kid, the old leaves the JWKS after unpublish_at', async () => {
      const before = await signIn(h, id);
      const oldKid = String(jwtPart(before.access_token, 0)['kid']);
      const oldKey = (await h.services.tokens.keys.signingKey()).key;
      const rotation = await rotateSigningKey(h.store.db, h.services.sealer, h.clock.now);
      assert.deepEqual(rotation.retired.map((key) => key.kid), [oldKid]);
      assert.equal(rotation.retired[0]?.unpublishAt, h.clock.now + 900_000 + KEY_CACHE_MS);

      // This instance learns of the rotation made elsewhere (the CLI) when its cache lapses.
      h.clock.advance(KEY_CACHE_MS);
      const after = await signIn(h, id);
      assert.equal(jwtPart(after.access_token, 0)['kid'], rotation.kid);
      assert.deepEqual((await jwks()).keys.map((key) => key.kid).sort(), [oldKid, rotation.kid].sort());
      assert.equal((await bearer(h.app, '/users/self', before.access_token)).status, 200, 'a token of the old key still verifies');
      assert.equal((await bearer(h.app, '/users/self', after.access_token)).status, 200);

      h.clock.advance(900_000 - 1);
      const late = await signIn(h, id);
      const oldKeyToken = await new SignJWT(jwtPart(late.access_token, 1)).setProtectedHeader({ alg: 'ES256', kid: oldKid, typ: 'at+jwt' }).sign(oldKey);
      assert.equal((await bearer(h.app, '/users/self', oldKeyToken)).status, 200, 'still published until unpublish_at');
      h.clock.advance(1);
      assert.deepEqual((await jwks()).keys.map((key) => key.kid), [rotation.kid]);
      assert.equal((await bearer(h.app, '/users/self', oldKeyToken)).status, 401, 'an unpublished key no longer verifies');
    });
  });
}

describe('token lifetimes and the rotate-signing command', () => {
  it('parses KEYWAY_TOKEN_LIFETIMES and refuses nonsense', () => {
    assert.deepEqual(parseTokenLifetimes(undefined), DEFAULT_TOKEN_LIFETIMES);
    assert.deepEqual(parseTokenLifetimes('access_token=600, refresh_idle=86400'), { ...DEFAULT_TOKEN_LIFETIMES, access_token: 600, refresh_idle: 86_400 });
    assert.throws(() => parseTokenLifetimes('access_token=7200'), /access_token must be from 60 to 3600/);
    assert.throws(() => parseTokenLifetimes('session=5'), /name among/);
    assert.throws(() => parseTokenLifetimes('refresh_idle=7776001'), /refresh_idle must not be longer than refresh_absolute/);
  });

  let dataDir: string;
  const saved = { ...process.env };
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-keys-'));
  });
  after(() => {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`keyway keys rotate-signing` prints the new kid and until when the old one stays published', async () => {
    const key = randomBytes(32);
    process.env = { ...saved, KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: key.toString('base64') };
    delete process.env['KEYWAY_DATABASE_URL'];
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await main(['keys', 'rotate-signing']);
      await main(['keys', 'rotate-signing']);
    } finally {
      console.log = log;
    }
    const kids = lines.filter((line) => line.startsWith('New signing key: ')).map((line) => line.slice('New signing key: '.length));
    assert.equal(kids.length, 2);
    assert.match(lines.at(-1) ?? '', new RegExp(`^Retired key ${kids[0]} stays in the JWKS until \\d{4}-\\d\\d-\\d\\dT`));
    const store = await openStore({ url: join(dataDir, 'keyway.sqlite') });
    try {
      const rows = await store.db.selectFrom('signing_keys').selectAll().execute();
      const current = rows.find((row) => row.retired_at === null);
      assert.equal(rows.length, 2);
      assert.equal(current?.kid, kids[1]);
      assert.ok(new Sealer(key).open(current?.sealed_private_jwk ?? '').includes('"d"'), 'sealed with the configured key');
    } finally {
      await store.close();
    }
  });
});
