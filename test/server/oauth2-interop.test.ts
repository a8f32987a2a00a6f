import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { loadConfig } from '../../src/server/config.js';
import { createClient } from '../../src/server/identity/clients.js';
import { createUser } from '../../src/server/identity/users.js';
import { issueAuthorizationCode } from '../../src/server/oauth2/authorization-codes.js';
import { startKeyway, type RunningKeyway } from '../../src/server/server.js';
import type { UserTable } from '../../src/server/store/schema.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { REDIRECT_URI } from './oauth2-fixtures.js';

/**
 * openid-client (a certified relying party library) against a real listening Keyway: discovery,
 * the code grant with PKCE and nonce, ID token checks including its signature against the JWKS,
 * refresh, userinfo, introspection, revocation, and Keyway's error shape as the library sees it.
 * SQLite only: this is about what crosses the wire; the store is covered in both dialects elsewhere.
 */
describe('openid-client against a running Keyway', () => {
  let dataDir: string;
  let keyway: RunningKeyway;
  let user: UserTable;
  let confidential: { id: string; secret: string };
  let publicClientId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyway-oidc-'));
    const { config } = loadConfig({ KEYWAY_DATA_DIR: dataDir, KEYWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    keyway = await startKeyway({ ...config, port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:0', providersFile: undefined }, { log: () => {} });
    const { db } = keyway.services.store;
    const { tenantId } = await createApiKey(db, keyway.services.sealer, { tenantName: 'acme', now: Date.now() });
    user = await createUser(db, tenantId, { first_name: 'Grace', last_name: 'Hopper', email: 'grace@acme.test' }, Date.now());
    const created = await createClient(db, tenantId, { name: 'Acme', redirect_uris: [REDIRECT_URI] }, Date.now());
    confidential = { id: created.row.id, secret: created.clientSecret ?? '' };
    publicClientId = (await createClient(db, tenantId, { name: 'Acme SPA', redirect_uris: [REDIRECT_URI], public: true }, Date.now())).row.id;
  });
  after(async () => {
    await keyway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the sign-in flow does once the user confirmed: a code, and the redirect back to the app. */
  async function callback(clientId: string, checks: { nonce: string; state: string; challenge: string }): Promise<URL> {
    const code = await issueAuthorizationCode(keyway.services.store.db, {
      tenantId: user.tenant_id,
      clientId,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scope: 'openid profile email',
      nonce: checks.nonce,
      codeChallenge: checks.challenge,
      codeChallengeMethod: 'S256',
      authMethod: 'email_link',
      authTime: Date.now(),
      now: Date.now(),
    });
    const url = new URL(REDIRECT_URI);
    url.search = new URLSearchParams({ code, state: checks.state, iss: keyway.url }).toString();
    return url;
  }

  async function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
    // Loopback over plain http: the library refuses it unless told this is a test.
    const config = await client.discovery(new URL(keyway.url), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
    client.enableNonRepudiationChecks(config);
    return config;
  }

  async function signIn(config: client.Configuration, clientId: string) {
    const verifier = client.randomPKCECodeVerifier();
    const checks = { nonce: client.randomNonce(), state: client.randomState(), challenge: await client.calculatePKCECodeChallenge(verifier) };
    const url = await callback(clientId, checks);
    const grantChecks = { pkceCodeVerifier: verifier, expectedNonce: checks.nonce, expectedState: checks.state, idTokenExpected: true };
    return { url, grantChecks, tokens: await client.authorizationCodeGrant(config, url, grantChecks) };
  }

  it('signs in, refreshes, reads userinfo, introspects and revokes with a confidential client', async () => {
    const config = await discover(confidential.id, client.ClientSecretBasic(confidential.secret));
    assert.equal(config.serverMetadata().issuer, keyway.url);

    const { tokens } = await signIn(config, confidential.id);
    const claims = tokens.claims();
    assert.equal(claims?.sub, user.id);
    assert.equal(claims?.aud, confidential.id);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens['code'], 'OK');
    assert.equal((tokens['data'] as { email: string }).email, 'grace@acme.test');

    // What a host app's backend does with an access token: verify it locally against the JWKS.
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri ?? ''));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: keyway.url, audience: confidential.id, algorithms: ['ES256'], typ: 'at+jwt' });
    assert.equal(payload.sub, user.id);

    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    assert.deepEqual([info.email, info.email_verified, info.given_name, info.family_name, info.name], ['grace@acme.test', true, 'Grace', 'Hopper', 'Grace Hopper']);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()?.sub, user.id);

    const active = await client.tokenIntrospection(config, refreshed.access_token);
    assert.deepEqual([active.active, active.sub, active.client_id], [true, user.id, confidential.id]);
    assert.equal((await client.tokenIntrospection(config, 'nothing-like-a-token')).active, false);

    await client.tokenRevocation(config, refreshed.refresh_token ?? '');
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token ?? ''), (error: unknown) => {
      assert.ok(error instanceof client.ResponseBodyError);
      assert.deepEqual([error.status, error.error, error.cause['code']], [400, 'invalid_grant', 'session_revoked']);
      return true;
    });
  });

  it('signs in a public client with PKCE and client_id alone', async () => {
    const config = await discover(publicClientId, client.None());
    const { tokens } = await signIn(config, publicClientId);
    assert.equal(tokens.claims()?.sub, user.id);
    assert.ok((await client.refreshTokenGrant(config, tokens.refresh_token ?? '')).access_token);
  });

  it('shows Keyway’s failures to the library as standard OAuth errors that carry Keyway’s code', async () => {
    const config = await discover(confidential.id, client.ClientSecretPost(confidential.secret));
    const { url, grantChecks } = await signIn(config, confidential.id);
    // The same redirect handled twice: a replayed code.
    await assert.rejects(client.authorizationCodeGrant(config, url, grantChecks), (error: unknown) => {
      assert.ok(error instanceof client.ResponseBodyError);
      assert.deepEqual([error.status, error.error, typeof error.error_description, error.cause['code']], [400, 'invalid_grant', 'string', 'code_reused']);
      return true;
    });

    const wrongPost = await discover(confidential.id, client.ClientSecretPost('kwcs_wrong'));
    await assert.rejects(client.tokenIntrospection(wrongPost, 'x'), (error: unknown) => {
      assert.ok(error instanceof client.ResponseBodyError);
      assert.deepEqual([error.status, error.error, error.cause['code']], [401, 'invalid_client', 'invalid_client_credentials']);
      return true;
    });

    // With HTTP Basic, a 401 also carries the Basic challenge the RFC asks for; the library reports that first.
    const wrongBasic = await discover(confidential.id, client.ClientSecretBasic('kwcs_wrong'));
    await assert.rejects(client.refreshTokenGrant(wrongBasic, 'x'), (error: unknown) => {
      assert.ok(error instanceof client.WWWAuthenticateChallengeError);
      assert.deepEqual([error.status, error.cause[0]?.scheme], [401, 'basic']);
      return true;
    });
  });
});
