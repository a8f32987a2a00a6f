import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { setUserStatus } from '../../src/server/identity/users.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { basic, bearer, createIdentity, createTestUser, jwtPart, postForm, refresh, signIn, withSecret, type Identity, type TokenJson } from './oauth2-fixtures.js';

announceSkips();

type ErrorJson = { error: { code: string; message: string } };

async function refusedToken(response: Response, status = 401): Promise<void> {
  assert.equal(response.status, status);
  const body = (await response.json()) as ErrorJson;
  assert.equal(body.error.code, status === 401 ? 'invalid_token' : 'insufficient_scope');
  assert.match(response.headers.get('www-authenticate') ?? '', status === 401 ? /^Bearer realm="keyway", error="invalid_token"/ : /^Bearer .*error="insufficient_scope"/);
}

/** A token like Keyway's, changed where a test says, signed with `key` (Keyway's own by default). */
async function forge(h: Harness, genuine: string, options: { claims?: JWTPayload; header?: Record<string, unknown>; key?: CryptoKey } = {}): Promise<string> {
  const { kid, key } = await h.services.tokens.keys.signingKey();
  const claims = { ...jwtPart(genuine, 1), ...options.claims };
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...options.header }).sign(options.key ?? key);
}

for (const dialect of dialects()) {
  describe(`access tokens at /users/self and /oauth2/userinfo (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let id: Identity;
    let tokens: TokenJson;
    before(async () => {
      h = await createHarness(dialect.url as string);
      id = await createIdentity(h);
      tokens = await signIn(h, id);
    });
    after(() => h.close());

    it('GET /users/self answers seed 001’s {code, data} for a valid token, not cached', async () => {
      const response = await bearer(h.app, '/users/self', tokens.access_token);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as { code: string; data: Record<string, unknown> };
      assert.equal(body.code, 'OK');
      assert.deepEqual([body.data['id'], body.data['email'], body.data['first_name'], body.data['display_name']], [id.user.id, id.user.email, 'Ada', 'Ada Lovelace']);
    });

    it('a token Keyway signed itself still verifies when re-signed unchanged (the forging helper is sound)', async () => {
      assert.equal((await bearer(h.app, '/users/self', await forge(h, tokens.access_token))).status, 200);
    });

    it('asks for a token with a bare Bearer challenge', async () => {
      const response = await h.app.request('/users/self');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="keyway"');
      assert.equal(((await response.json()) as ErrorJson).error.code, 'missing_token');
    });

    it('refuses alg none', async () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const header = jwtPart(tokens.access_token, 0);
      const unsigned = `${encode({ ...header, alg: 'none' })}.${encode(jwtPart(tokens.access_token, 1))}.`;
      await refusedToken(await bearer(h.app, '/users/self', unsigned));
      await refusedToken(await bearer(h.app, '/oauth2/userinfo', unsigned));
    });

    it('refuses a token signed by another key, even under Keyway’s kid', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await forge(h, tokens.access_token, { key: privateKey });
      await refusedToken(await bearer(h.app, '/users/self', forged));
      await refusedToken(await bearer(h.app, '/oauth2/userinfo', forged));
      await refusedToken(await bearer(h.app, '/users/self', await forge(h, tokens.access_token, { key: privateKey, header: { kid: 'unknown-kid' } })));
    });

    it('refuses HS256 (alg pinned to ES256)', async () => {
      const secret = new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256!!');
      const forged = await new SignJWT(jwtPart(tokens.access_token, 1)).setProtectedHeader({ alg: 'HS256', kid: String(jwtPart(tokens.access_token, 0)['kid']), typ: 'at+jwt' }).sign(secret);
      await refusedToken(await bearer(h.app, '/users/self', forged));
    });

    it('refuses a wrong audience, issuer or tenant, even signed by Keyway’s key', async () => {
      for (const claims of [{ aud: id.otherClient.id }, { aud: id.otherClient.id, client_id: id.otherClient.id }, { iss: 'https://evil.test' }, { tid: 'another-tenant' }, { sub: 'another-user' }]) {
        const forged = await forge(h, tokens.access_token, { claims });
        await refusedToken(await bearer(h.app, '/users/self', forged));
        await refusedToken(await bearer(h.app, '/oauth2/userinfo', forged));
      }
    });

    it('refuses an ID token used as an access token', async () => {
      await refusedToken(await bearer(h.app, '/users/self', tokens.id_token ?? ''));
    });

    it('refuses an expired token', async () => {
      const fresh = await signIn(h, id);
      h.clock.advance(900_000);
      await refusedToken(await bearer(h.app, '/users/self', fresh.access_token));
      await refusedToken(await bearer(h.app, '/oauth2/userinfo', fresh.access_token));
      tokens = await signIn(h, id);
    });

    it('refuses at once the tokens of a user deactivated, and of a session revoked', async () => {
      const user = await createTestUser(h);
      const mine = await signIn(h, { user, client: id.client });
      assert.equal((await bearer(h.app, '/users/self', mine.access_token)).status, 200);
      // Status alone, sessions untouched: the user check by itself refuses the token.
      await h.store.db.updateTable('users').set({ status: 'INACTIVE' }).where('id', '=', user.id).execute();
      await refusedToken(await bearer(h.app, '/users/self', mine.access_token));
      await h.store.db.updateTable('users').set({ status: 'ACTIVE' }).where('id', '=', user.id).execute();
      assert.equal((await bearer(h.app, '/users/self', mine.access_token)).status, 200);
      // Through the users API's own function, which also ends the sessions.
      await setUserStatus(h.store.db, h.tenantId, user.id, 'INACTIVE', h.clock.now);
      await refusedToken(await bearer(h.app, '/oauth2/userinfo', mine.access_token));

      const session = await signIn(h, id);
      await h.store.db.updateTable('token_families').set({ revoked_at: h.clock.now, revoked_reason: 'test' }).where('id', '=', String(jwtPart(session.access_token, 1)['sid'])).execute();
      await refusedToken(await bearer(h.app, '/users/self', session.access_token));
    });

    it('userinfo answers the OIDC claims the scopes allow, to GET and POST', async () => {
      const response = await bearer(h.app, '/oauth2/userinfo', tokens.access_token);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        sub: id.user.id,
        name: 'Ada Lovelace',
        given_name: 'Ada',
        family_name: 'Lovelace',
        updated_at: Math.floor(id.user.updated_at / 1000),
        email: id.user.email,
        email_verified: true,
      });
      const post = await h.app.request('/oauth2/userinfo', { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(post.status, 200);
      const openidOnly = await signIn(h, id, { scope: 'openid' });
      assert.deepEqual(await (await bearer(h.app, '/oauth2/userinfo', openidOnly.access_token)).json(), { sub: id.user.id });
    });

    it('userinfo needs the openid scope: 403 insufficient_scope', async () => {
      const profileOnly = await signIn(h, id, { scope: 'profile' });
      await refusedToken(await bearer(h.app, '/oauth2/userinfo', profileOnly.access_token), 403);
      assert.equal((await bearer(h.app, '/users/self', profileOnly.access_token)).status, 200);
    });
  });

  describe(`POST /oauth2/introspect and /oauth2/revoke (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let id: Identity;
    const introspect = (token: string, client = id.client, extra: Record<string, string> = {}) => postForm(h.app, '/oauth2/introspect', withSecret(client, { token, ...extra }));
    const revoke = (token: string, client = id.client, extra: Record<string, string> = {}) => postForm(h.app, '/oauth2/revoke', withSecret(client, { token, ...extra }));
    const introspected = async (response: Response) => {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      return (await response.json()) as Record<string, unknown>;
    };
    before(async () => {
      h = await createHarness(dialect.url as string);
      id = await createIdentity(h);
    });
    after(() => h.close());

    it('describes an active access token and an active refresh token', async () => {
      const tokens = await signIn(h, id);
      const access = await introspected(await introspect(tokens.access_token));
      assert.deepEqual(
        [access['active'], access['sub'], access['client_id'], access['aud'], access['scope'], access['token_type'], access['username'], access['iss']],
        [true, id.user.id, id.client.id, id.client.id, 'openid profile email', 'Bearer', id.user.email, 'http://keyway.test'],
      );
      const viaBasic = await introspected(await postForm(h.app, '/oauth2/introspect', { token: tokens.refresh_token ?? '', token_type_hint: 'refresh_token' }, { authorization: basic(id.client) }));
      assert.deepEqual([viaBasic['active'], viaBasic['sub'], viaBasic['sid'], viaBasic['token_type']], [true, id.user.id, access['sid'], undefined]);
      assert.ok(Number(viaBasic['exp']) > Number(access['exp']));
    });

    it('answers {active:false} for unknown, expired, rotated, revoked and other clients’ tokens', async () => {
      const inactive = async (response: Response) => assert.deepEqual(await introspected(response), { active: false });
      await inactive(await introspect('not-a-token'));
      await inactive(await introspect('a.b.c'));
      const tokens = await signIn(h, id);
      await inactive(await introspect(tokens.access_token, id.otherClient));
      await inactive(await introspect(tokens.refresh_token ?? '', id.otherClient));
      const next = (await (await refresh(h, id.client, tokens.refresh_token ?? '')).json()) as TokenJson;
      await inactive(await introspect(tokens.refresh_token ?? '', id.client, { token_type_hint: 'refresh_token' }));
      h.clock.advance(900_000);
      await inactive(await introspect(next.access_token));
      assert.equal((await introspected(await introspect(next.refresh_token ?? '')))['active'], true);
      await revoke(next.refresh_token ?? '');
      await inactive(await introspect(next.refresh_token ?? ''));
    });

    it('is for confidential clients with their secret; a missing token is invalid_request', async () => {
      const tokens = await signIn(h, id);
      const asPublic = await postForm(h.app, '/oauth2/introspect', { token: tokens.access_token, client_id: id.publicClient.id });
      assert.equal(asPublic.status, 401);
      assert.deepEqual([((await asPublic.json()) as { code: string }).code], ['confidential_client_required']);
      const wrong = await postForm(h.app, '/oauth2/introspect', { token: tokens.access_token, client_id: id.client.id, client_secret: 'nope' });
      assert.equal(wrong.status, 401);
      const missing = await postForm(h.app, '/oauth2/introspect', withSecret(id.client, {}));
      assert.equal(missing.status, 400);
      assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
    });

    it('revoking a refresh token revokes its whole session: refresh and access tokens stop working', async () => {
      const tokens = await signIn(h, id);
      const next = (await (await refresh(h, id.client, tokens.refresh_token ?? '')).json()) as TokenJson;
      // An old, rotated token of the family revokes it as well.
      const response = await revoke(tokens.refresh_token ?? '');
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '');
      assert.equal((await refresh(h, id.client, next.refresh_token ?? '')).status, 400);
      assert.equal((await bearer(h.app, '/users/self', next.access_token)).status, 401);
      const family = await h.store.db.selectFrom('token_families').select('revoked_reason').where('id', '=', String(jwtPart(next.access_token, 1)['sid'])).executeTakeFirstOrThrow();
      assert.equal(family.revoked_reason, 'revoked_by_client');
    });

    it('revoking an access token ends its session too, even once expired', async () => {
      const tokens = await signIn(h, id);
      h.clock.advance(900_000);
      assert.equal((await revoke(tokens.access_token, id.client, { token_type_hint: 'access_token' })).status, 200);
      assert.equal((await refresh(h, id.client, tokens.refresh_token ?? '')).status, 400);
    });

    it('answers 200 for unknown tokens and other clients’ tokens, and revokes nothing of another client', async () => {
      assert.equal((await revoke('never-issued')).status, 200);
      assert.equal((await revoke('x.y.z', id.client, { token_type_hint: 'unheard_of' })).status, 200);
      const tokens = await signIn(h, id);
      assert.equal((await revoke(tokens.refresh_token ?? '', id.otherClient)).status, 200);
      assert.equal((await revoke(tokens.access_token, id.otherClient)).status, 200);
      assert.equal((await refresh(h, id.client, tokens.refresh_token ?? '')).status, 200);
      const wrongSecret = await postForm(h.app, '/oauth2/revoke', { token: 'x', client_id: id.client.id, client_secret: 'nope' });
      assert.equal(wrongSecret.status, 401);
    });
  });
}
