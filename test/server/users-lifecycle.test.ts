import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedUserData } from '../../src/server/identity/users.js';
import { newId, sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { call, created, errorCode, insertSession, userRow, type UserJson } from './users-fixtures.js';

announceSkips();

for (const dialect of dialects()) {
  describe(`users API: status, deletion, keys and the token side (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let otherKey: string;

    before(async () => {
      h = await createHarness(dialect.url as string);
      otherKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
    });
    after(() => h.close());

    describe('status', () => {
      it('deactivating ends the user’s sessions in the same step; reactivating does not bring them back', async () => {
        const user = await created(h, { first_name: 'In', last_name: 'Active', email: 'inactive@example.com' });
        const bystander = await created(h, { first_name: 'By', last_name: 'Stander', email: 'bystander@example.com' });
        const session = await insertSession(h, user.id);
        const earlier = await insertSession(h, user.id);
        await h.store.db.updateTable('token_families').set({ revoked_at: h.clock.now - 10, revoked_reason: 'reuse' }).where('id', '=', earlier.familyId).execute();
        const untouched = await insertSession(h, bystander.id);
        h.clock.advance(1000);

        const response = await call(h, 'PUT', `/api/v1/users/${user.id}/status`, { status: 'INACTIVE' });
        assert.equal(response.status, 200);
        const body = (await response.json()) as UserJson;
        assert.equal(body.status, 'INACTIVE');
        assert.equal(body.updated_at, new Date(h.clock.now).toISOString());

        const families = await h.store.db.selectFrom('token_families').select(['id', 'revoked_at', 'revoked_reason']).where('id', 'in', [session.familyId, earlier.familyId, untouched.familyId]).execute();
        const byId = new Map(families.map((family) => [family.id, family]));
        assert.deepEqual(byId.get(session.familyId), { id: session.familyId, revoked_at: h.clock.now, revoked_reason: 'user_inactive' });
        assert.equal(byId.get(earlier.familyId)?.revoked_reason, 'reuse');
        assert.equal(byId.get(untouched.familyId)?.revoked_at, null);
        const codes = await h.store.db.selectFrom('authorization_codes').select(['user_id', 'expires_at']).where('user_id', 'in', [user.id, bystander.id]).execute();
        for (const code of codes) assert.equal(code.expires_at <= h.clock.now, code.user_id === user.id);

        h.clock.advance(1000);
        const again = await call(h, 'PUT', `/api/v1/users/${user.id}/status`, { status: 'ACTIVE' });
        assert.equal(((await again.json()) as UserJson).status, 'ACTIVE');
        const still = await h.store.db.selectFrom('token_families').select('revoked_reason').where('id', '=', session.familyId).executeTakeFirstOrThrow();
        assert.equal(still.revoked_reason, 'user_inactive');
      });

      it('leaves updated_at alone when the status does not change', async () => {
        const user = await created(h, { first_name: 'Same', last_name: 'State', email: 'same@example.com' });
        h.clock.advance(1000);
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}/status`, { status: 'ACTIVE' });
        assert.equal(((await response.json()) as UserJson).updated_at, user.updated_at);
      });

      for (const [name, body] of [
        ['an unknown status', { status: 'DISABLED' }],
        ['a lower-case status', { status: 'inactive' }],
        ['no status', {}],
        ['an extra field', { status: 'INACTIVE', reason: 'x' }],
      ] as const) {
        it(`refuses ${name} with 422 and changes nothing`, async () => {
          const user = await created(h, { first_name: 'Bad', last_name: 'Status', email: `status-${newId()}@example.com` });
          const response = await call(h, 'PUT', `/api/v1/users/${user.id}/status`, body);
          assert.equal(response.status, 422);
          assert.equal((await userRow(h, user.id))?.status, 'ACTIVE');
        });
      }

      it('answers 404 for another tenant’s user and leaves its status', async () => {
        const user = await created(h, { first_name: 'Not', last_name: 'Yours', email: 'notyours@example.com' });
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}/status`, { status: 'INACTIVE' }, otherKey);
        assert.equal(response.status, 404);
        assert.equal((await userRow(h, user.id))?.status, 'ACTIVE');
      });
    });

    describe('deleting', () => {
      it('deletes the user with its sessions and codes, detaches and expires its sign-in links, in one step', async () => {
        const user = await created(h, { first_name: 'Gone', last_name: 'Soon', email: 'gone@example.com' });
        const bystander = await created(h, { first_name: 'Stays', last_name: 'Here', email: 'stays@example.com' });
        const session = await insertSession(h, user.id);
        const kept = await insertSession(h, bystander.id);
        const linkId = newId();
        const now = h.clock.now;
        await h.store.db
          .insertInto('links')
          .values({ id: linkId, tenant_id: h.tenantId, token_hash: sha256(newId()), type: 'signin', providers_json: '[]', api_url: 'https://api.acme.test', success_redirect_url: null, failure_redirect_url: null, notify_url: null, name: null, reconnect_account: null, origins_json: '[]', locale: null, expires_at: now + 600_000, created_at: now, used_at: null, notify_on_expiry: 0, expiry_reported_at: null, new_link_url: null })
          .execute();
        const client = await h.store.db.selectFrom('token_families').select('client_id').where('id', '=', session.familyId).executeTakeFirstOrThrow();
        await h.store.db.insertInto('signin_requests').values({ link_id: linkId, client_id: client.client_id, redirect_uri: 'https://app.acme.test/cb', scope: 'openid', state: null, nonce: null, code_challenge: null, code_challenge_method: null, user_id: user.id, login_hint: null, method: 'login_url', parent_link_id: null }).execute();
        h.clock.advance(1000);

        const response = await call(h, 'DELETE', `/api/v1/users/${user.id}`);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { object: 'UserDeleted', id: user.id });
        assert.equal(await userRow(h, user.id), undefined);
        assert.equal((await call(h, 'GET', `/api/v1/users/${user.id}`)).status, 404);
        assert.deepEqual(await h.store.db.selectFrom('token_families').select('id').where('user_id', '=', user.id).execute(), []);
        assert.deepEqual(await h.store.db.selectFrom('refresh_tokens').select('id').where('family_id', '=', session.familyId).execute(), []);
        assert.deepEqual(await h.store.db.selectFrom('authorization_codes').select('id').where('user_id', '=', user.id).execute(), []);
        const request = await h.store.db.selectFrom('signin_requests').select('user_id').where('link_id', '=', linkId).executeTakeFirstOrThrow();
        assert.equal(request.user_id, null);
        const link = await h.store.db.selectFrom('links').select('expires_at').where('id', '=', linkId).executeTakeFirstOrThrow();
        assert.equal(link.expires_at, h.clock.now);

        const family = await h.store.db.selectFrom('token_families').select('revoked_at').where('id', '=', kept.familyId).executeTakeFirstOrThrow();
        assert.equal(family.revoked_at, null);
        assert.equal((await h.store.db.selectFrom('refresh_tokens').select('id').where('family_id', '=', kept.familyId).execute()).length, 1);

        const again = await call(h, 'DELETE', `/api/v1/users/${user.id}`);
        assert.equal(again.status, 404);
        assert.equal(await errorCode(again), 'user_not_found');
        // The address is free again.
        await created(h, { first_name: 'Gone', last_name: 'Again', email: 'gone@example.com' });
      });

      it('does not let another tenant delete the user', async () => {
        const user = await created(h, { first_name: 'Safe', last_name: 'User', email: 'safe@example.com' });
        await insertSession(h, user.id);
        const response = await call(h, 'DELETE', `/api/v1/users/${user.id}`, undefined, otherKey);
        assert.equal(response.status, 404);
        assert.ok(await userRow(h, user.id));
        const families = await h.store.db.selectFrom('token_families').select('revoked_at').where('user_id', '=', user.id).execute();
        assert.deepEqual(families, [{ revoked_at: null }]);
      });
    });

    it('refuses every users route without a valid API key', async () => {
      for (const [method, path] of [['GET', '/api/v1/users'], ['POST', '/api/v1/users'], ['GET', '/api/v1/users/x'], ['PUT', '/api/v1/users/x'], ['PUT', '/api/v1/users/x/status'], ['DELETE', '/api/v1/users/x']] as const) {
        assert.equal((await h.app.request(path, { method })).status, 401, `${method} ${path}`);
        assert.equal((await call(h, method, path, undefined, 'kw_nope')).status, 401, `${method} ${path}`);
      }
    });

    it('gives the token side seed 001’s user fields', async () => {
      const user = await created(h, { first_name: 'Unit', last_name: 'Test', email: 'unit@example.com', phone_number: '+4368120265807', timezone: 'America/Chicago' });
      const row = await userRow(h, user.id);
      assert.ok(row);
      assert.deepEqual(seedUserData(row, { emailConfirmed: true }), {
        type: 'user',
        id: user.id,
        email: 'unit@example.com',
        first_name: 'Unit',
        last_name: 'Test',
        display_name: 'Unit Test',
        phone_number: '+4368120265807',
        user_type: 'PERSONAL',
        user_status: 'Active',
        email_confirmed: true,
        mfa_enabled: false,
        has_password: false,
        timezone: 'America/Chicago',
        created_at: row.created_at / 1000,
        updated_at: row.updated_at / 1000,
      });
      assert.equal(seedUserData(row).email_confirmed, false);
    });
  });
}
