import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import {
  bearer,
  createIdentity,
  createTestUser,
  exchangeCode,
  issueCode,
  jwtPart,
  pkcePair,
  postForm,
  refresh,
  signIn,
  withSecret,
  type Identity,
  type OAuthErrorJson,
  type TokenJson,
} from './oauth2-fixtures.js';

announceSkips();

const DAY = 24 * 3600 * 1000;

async function rotated(h: Harness, id: Identity, token: string): Promise<TokenJson> {
  const response = await refresh(h, id.client, token);
  if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenJson;
}

async function refused(response: Response, code: string, error = 'invalid_grant'): Promise<void> {
  const body = (await response.json()) as OAuthErrorJson;
  assert.equal(response.status, 400, JSON.stringify(body));
  assert.deepEqual([body.error, body.code], [error, code]);
}

for (const dialect of dialects()) {
  describe(`POST /oauth2/token, refresh_token (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let id: Identity;
    before(async () => {
      h = await createHarness(dialect.url as string);
      id = await createIdentity(h);
    });
    after(() => h.close());

    it('rotates on every use: a new refresh token, a new access token in the same session, seed 001’s shape', async () => {
      const first = await signIn(h, id);
      h.clock.advance(1000);
      const second = await rotated(h, id, first.refresh_token ?? '');
      assert.notEqual(second.refresh_token, first.refresh_token);
      assert.notEqual(second.access_token, first.access_token);
      assert.deepEqual([second.code, second.token_type, second.expires_in, second.scope, second.data], ['OK', 'Bearer', 900, 'openid profile email', undefined]);
      assert.equal(jwtPart(second.access_token, 1)['sid'], jwtPart(first.access_token, 1)['sid']);
      const idToken = jwtPart(second.id_token ?? '', 1);
      assert.equal(idToken['sub'], id.user.id);
      assert.equal(idToken['nonce'], undefined, 'no nonce on refresh (OIDC Core §12.2)');
      const parent = await h.store.db.selectFrom('refresh_tokens').selectAll().where('parent_id', 'is', null).where('family_id', '=', String(jwtPart(first.access_token, 1)['sid'])).executeTakeFirstOrThrow();
      assert.equal(parent.rotated_at, h.clock.now);
    });

    it('answers a retry of the newest token’s parent within 10 s with the same child and a fresh access token', async () => {
      const first = await signIn(h, id);
      const child = await rotated(h, id, first.refresh_token ?? '');
      h.clock.advance(10_000);
      const retried = await rotated(h, id, first.refresh_token ?? '');
      assert.equal(retried.refresh_token, child.refresh_token);
      assert.notEqual(retried.access_token, child.access_token);
      const grandchild = await rotated(h, id, child.refresh_token ?? '');
      assert.ok(grandchild.refresh_token);
    });

    it('counts the parent presented after 10 s as reuse: the family is revoked and the newest token refused', async () => {
      const first = await signIn(h, id);
      const child = await rotated(h, id, first.refresh_token ?? '');
      h.clock.advance(10_001);
      await refused(await refresh(h, id.client, first.refresh_token ?? ''), 'refresh_token_reused');
      await refused(await refresh(h, id.client, child.refresh_token ?? ''), 'session_revoked');
      assert.equal((await bearer(h.app, '/users/self', child.access_token)).status, 401);
    });

    it('rotated twice, then the first presented again: reuse revokes the family and the newest is refused from then on', async () => {
      const first = await signIn(h, id);
      const second = await rotated(h, id, first.refresh_token ?? '');
      const third = await rotated(h, id, second.refresh_token ?? '');
      // Within seconds, but the first is not the newest token's parent: no retry for it.
      await refused(await refresh(h, id.client, first.refresh_token ?? ''), 'refresh_token_reused');
      const family = await h.store.db.selectFrom('token_families').selectAll().where('id', '=', String(jwtPart(first.access_token, 1)['sid'])).executeTakeFirstOrThrow();
      assert.deepEqual([family.revoked_reason, family.revoked_at], ['refresh_token_reused', h.clock.now]);
      await refused(await refresh(h, id.client, third.refresh_token ?? ''), 'session_revoked');
      await refused(await refresh(h, id.client, second.refresh_token ?? ''), 'session_revoked');
      const sealed = await h.store.db.selectFrom('refresh_tokens').select('sealed_child').where('family_id', '=', family.id).where('sealed_child', 'is not', null).execute();
      assert.deepEqual(sealed, [], 'no sealed child survives the revocation');
    });

    it('keeps only the newest parent’s sealed child', async () => {
      const first = await signIn(h, id);
      const second = await rotated(h, id, first.refresh_token ?? '');
      await rotated(h, id, second.refresh_token ?? '');
      const rows = await h.store.db.selectFrom('refresh_tokens').selectAll().where('family_id', '=', String(jwtPart(first.access_token, 1)['sid'])).orderBy('created_at').execute();
      assert.deepEqual(rows.map((row) => row.sealed_child !== null).sort(), [false, false, true]);
    });

    it('refuses a refresh token unused for longer than its idle lifetime', async () => {
      const first = await signIn(h, id);
      h.clock.advance(30 * DAY);
      await refused(await refresh(h, id.client, first.refresh_token ?? ''), 'refresh_token_expired');
    });

    it('ends the session 90 days after sign-in, however often it was refreshed', async () => {
      let tokens = await signIn(h, id);
      for (let day = 0; day < 4; day += 1) {
        h.clock.advance(20 * DAY);
        tokens = await rotated(h, id, tokens.refresh_token ?? '');
      }
      h.clock.advance(10 * DAY);
      await refused(await refresh(h, id.client, tokens.refresh_token ?? ''), 'session_expired');
    });

    it('refuses a revoked refresh token', async () => {
      const first = await signIn(h, id);
      const revoked = await postForm(h.app, '/oauth2/revoke', withSecret(id.client, { token: first.refresh_token ?? '', token_type_hint: 'refresh_token' }));
      assert.equal(revoked.status, 200);
      await refused(await refresh(h, id.client, first.refresh_token ?? ''), 'session_revoked');
    });

    it('refuses another client’s refresh token without spending it', async () => {
      const first = await signIn(h, id);
      await refused(await refresh(h, id.otherClient, first.refresh_token ?? ''), 'refresh_token_unknown');
      await refused(await refresh(h, id.client, 'made-up-token'), 'refresh_token_unknown');
      assert.ok((await rotated(h, id, first.refresh_token ?? '')).refresh_token);
    });

    it('refuses the refresh token of a user made INACTIVE', async () => {
      const user = await createTestUser(h);
      const first = await signIn(h, { user, client: id.client });
      await h.store.db.updateTable('users').set({ status: 'INACTIVE' }).where('id', '=', user.id).execute();
      await refused(await refresh(h, id.client, first.refresh_token ?? ''), 'user_inactive');
    });

    it('narrows the scope when asked, refuses a wider one and leaves the token usable after the refusal', async () => {
      const first = await signIn(h, id);
      await refused(await refresh(h, id.client, first.refresh_token ?? '', { scope: 'openid admin' }), 'scope_exceeds_session', 'invalid_scope');
      const narrowed = (await (await refresh(h, id.client, first.refresh_token ?? '', { scope: 'profile' })).json()) as TokenJson;
      assert.equal(narrowed.scope, 'profile');
      assert.equal(jwtPart(narrowed.access_token, 1)['scope'], 'profile');
      assert.equal(narrowed.id_token, undefined);
      const next = await rotated(h, id, narrowed.refresh_token ?? '');
      assert.equal(next.scope, 'openid profile email', 'the session keeps its scope');
    });

    it('lets a public client refresh by client_id alone', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await issueCode(h, { user: id.user, client: id.publicClient, challenge });
      const tokens = (await (await exchangeCode(h, id.publicClient, code, { code_verifier: verifier })).json()) as TokenJson;
      const response = await refresh(h, id.publicClient, tokens.refresh_token ?? '');
      assert.equal(response.status, 200);
    });
  });

  describe(`refresh rotation under concurrency (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    it('two simultaneous refreshes with the same token both get the same child, and the family stays live', async () => {
      const id = await createIdentity(h);
      const first = await signIn(h, id);
      const answers = await Promise.all([refresh(h, id.client, first.refresh_token ?? ''), refresh(h, id.client, first.refresh_token ?? '')]);
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
      const [a, b] = (await Promise.all(answers.map((answer) => answer.json()))) as TokenJson[];
      assert.equal(a?.refresh_token, b?.refresh_token);
      assert.equal((await refresh(h, id.client, a?.refresh_token ?? '')).status, 200);
    });
  });
}
