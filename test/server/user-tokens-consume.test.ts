import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { consumeUserToken, USER_TOKEN_TYPE, verifyUserToken } from '../../src/server/identity/user-tokens.js';
import { rotateSigningKey } from '../../src/server/oauth2/signing-keys.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, PUBLIC_URL, postJson, type Harness } from './harness.js';
import { bearer, createIdentity, jwtPart, signIn } from './oauth2-fixtures.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`user tokens: signing in with one (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let privateKey: string;
    let emails = 0;
    before(async () => {
      h = await createHarness(dialect.url as string);
      privateKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'acme', kind: 'private_token', now: h.clock.now })).apiKey;
    });
    after(() => h.close());

    async function minted(): Promise<{ token: string; userID: string }> {
      emails += 1;
      const response = await postJson(h.app, '/api/v1/user/token', { email: `signer${emails}@acme.test`, uid: 'uid' }, { authorization: `Bearer ${privateKey}` });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as { token: string; userID: string };
    }
    // As the sign-in flow will: inside its own transaction.
    const consume = (token: string) => h.store.db.transaction().execute((trx) => consumeUserToken(trx, h.services.tokens, token, h.clock.now));
    const usedAt = async (userId: string) => (await h.store.db.selectFrom('user_tokens').select('used_at').where('user_id', '=', userId).executeTakeFirstOrThrow()).used_at;
    const setStatus = (userId: string, status: string) =>
      h.app.request(`/api/v1/users/${userId}/status`, { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ status }) });

    /** A token with the right claims and header, signed by a key that is not Keyway's. */
    async function forged(template: string, headerChanges: Record<string, unknown> = {}): Promise<string> {
      const { privateKey: foreign } = await generateKeyPair('ES256');
      const header = { ...jwtPart(template, 0), ...headerChanges } as { alg: string; kid?: string; typ?: string };
      return new SignJWT(jwtPart(template, 1)).setProtectedHeader(header).sign(foreign);
    }

    it('signs its user in once: the first use answers the tenant and user, a second use is token_used', async () => {
      const { token, userID } = await minted();
      assert.deepEqual(await verifyUserToken(h.store.db, h.services.tokens, token, h.clock.now), { tenantId: h.tenantId, userId: userID, email: `signer${emails}@acme.test`, expiresAt: Number(jwtPart(token, 1)['exp']) * 1000 });
      assert.equal(await usedAt(userID), null, 'verifying uses nothing up');
      assert.deepEqual(await consume(token), { tenantId: h.tenantId, userId: userID });
      assert.equal(Number(await usedAt(userID)), h.clock.now);
      assert.deepEqual(await consume(token), { failure: 'token_used' });
      assert.deepEqual(await verifyUserToken(h.store.db, h.services.tokens, token, h.clock.now), { failure: 'token_used' });
    });

    it('lets exactly one of two sign-ins racing with the same token through', async () => {
      const { token } = await minted();
      const results = await Promise.all([consume(token), consume(token)]);
      assert.equal(results.filter((result) => 'userId' in result).length, 1);
      assert.deepEqual(results.find((result) => 'failure' in result), { failure: 'token_used' });
    });

    it('refuses an expired token with token_expired and leaves it unused', async () => {
      const { token, userID } = await minted();
      h.clock.advance(600_000);
      try {
        assert.deepEqual(await consume(token), { failure: 'token_expired' });
        assert.equal(await usedAt(userID), null);
      } finally {
        h.clock.advance(-600_000);
      }
      assert.deepEqual(await consume(token), { tenantId: h.tenantId, userId: userID }, 'a second earlier it still worked');
    });

    it('refuses tokens signed by another key, under Keyway’s kid or its own, as token_invalid, leaving the real one unused', async () => {
      const { token, userID } = await minted();
      assert.deepEqual(await consume(await forged(token)), { failure: 'token_invalid' });
      assert.deepEqual(await consume(await forged(token, { kid: 'not-a-keyway-kid' })), { failure: 'token_invalid' });
      assert.equal(await usedAt(userID), null);
    });

    it('refuses alg none, a changed payload and garbage as token_invalid', async () => {
      const { token, userID } = await minted();
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'none', typ: USER_TOKEN_TYPE })}.${payload}.`;
      const otherUser = `${header}.${encode({ ...jwtPart(token, 1), sub: 'someone-else' })}.${signature}`;
      for (const bad of [unsigned, `${encode({ alg: 'none' })}.${payload}.`, otherUser, 'garbage', '', `${header}.${payload}`]) {
        assert.deepEqual(await consume(bad), { failure: 'token_invalid' }, bad.slice(0, 40));
      }
      assert.equal(await usedAt(userID), null);
    });

    it('keeps user tokens and access or ID tokens apart, both ways (same keys, different typ and audience)', async () => {
      const identity = await createIdentity(h);
      const session = await signIn(h, identity);
      assert.deepEqual(await consume(session.access_token), { failure: 'token_invalid' }, 'an access token is not a user token');
      assert.deepEqual(await consume(session.id_token as string), { failure: 'token_invalid' }, 'nor is an ID token');
      const { token } = await minted();
      assert.equal((await bearer(h.app, '/users/self', token)).status, 401, 'a user token is not an access token');
      assert.equal((await bearer(h.app, '/oauth2/userinfo', token)).status, 401);
    });

    it('refuses the token of an INACTIVE user with user_inactive, unused, so it works again once the user is ACTIVE', async () => {
      const { token, userID } = await minted();
      await setStatus(userID, 'INACTIVE');
      assert.deepEqual(await consume(token), { failure: 'user_inactive' });
      assert.deepEqual(await verifyUserToken(h.store.db, h.services.tokens, token, h.clock.now), { failure: 'user_inactive' });
      assert.equal(await usedAt(userID), null);
      await setStatus(userID, 'ACTIVE');
      assert.deepEqual(await consume(token), { tenantId: h.tenantId, userId: userID });
    });

    it('refuses the token of a deleted user, and deleting a user with tokens works', async () => {
      const { token, userID } = await minted();
      const deleted = await h.app.request(`/api/v1/users/${userID}`, { method: 'DELETE', headers: { 'x-api-key': h.apiKey } });
      assert.equal(deleted.status, 200);
      assert.deepEqual(await consume(token), { failure: 'token_invalid' });
    });

    it('still takes a token its key signed before a rotation, until the token itself expires', async () => {
      const settings = (ttl_seconds: number | null) =>
        h.app.request('/api/v1/user/token/settings', { method: 'PUT', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ ttl_seconds }) });
      await settings(3600);
      const { token, userID } = await minted();
      const kid = jwtPart(token, 0)['kid'];
      await rotateSigningKey(h.store.db, h.services.sealer, h.clock.now);
      h.services.tokens.keys.forget();
      const fresh = await minted();
      assert.notEqual(jwtPart(fresh.token, 0)['kid'], kid, 'new tokens use the new key');
      // Past the time the retired key leaves the JWKS (the access token lifetime), within the user token's hour.
      h.clock.advance(3000_000);
      try {
        assert.ok(!((await (await h.app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.some((key) => key.kid === kid));
        assert.deepEqual(await consume(token), { tenantId: h.tenantId, userId: userID });
      } finally {
        h.clock.advance(-3000_000);
        await settings(null);
      }
    });

    it('refuses a token of the retired key’s kid that claims to be issued after the key retired', async () => {
      const { token } = await minted();
      const header = jwtPart(token, 0);
      // Only Keyway could sign this, and it never does with a retired key; the iat check guards against a replayed key row anyway.
      const late = { ...jwtPart(token, 1), iat: Math.floor(h.clock.now / 1000) + 120 };
      await rotateSigningKey(h.store.db, h.services.sealer, h.clock.now);
      const row = await h.store.db.selectFrom('signing_keys').selectAll().where('kid', '=', String(header['kid'])).executeTakeFirstOrThrow();
      const key = await importJWK(h.services.sealer.openJson<JWK>(row.sealed_private_jwk), 'ES256');
      const signed = await new SignJWT(late).setProtectedHeader({ alg: 'ES256', kid: row.kid, typ: USER_TOKEN_TYPE }).sign(key);
      assert.deepEqual(await consume(signed), { failure: 'token_invalid' });
      assert.equal(jwtPart(signed, 1)['iss'], PUBLIC_URL);
    });
  });
}
