import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../../src/server/identity/clients.js';
import { seedUserData } from '../../src/server/identity/users.js';
import { newId, sha256 } from '../../src/server/security/tokens.js';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';

announceSkips();

type ErrorJson = { error: { code: string; message: string } };
type UserJson = Record<string, unknown> & { id: string; email: string; type: string; status: string; updated_at: string };
type ListJson = { object: string; items: UserJson[]; cursor: string | null };

const USER_FIELDS = ['created_at', 'email', 'failed_sign_ins', 'first_name', 'has_password', 'id', 'last_name', 'locked_until', 'mfa_enabled', 'object', 'phone_number', 'status', 'timezone', 'type', 'updated_at'];

for (const dialect of dialects()) {
  describe(`users API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let otherKey: string;

    const call = (method: string, path: string, body?: unknown, key = h.apiKey) =>
      Promise.resolve(
        h.app.request(path, {
          method,
          headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      );
    const created = async (body: Record<string, unknown>): Promise<UserJson> => {
      h.clock.advance(1000);
      const response = await call('POST', '/api/v1/users', body);
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as UserJson;
    };
    const errorCode = async (response: Response) => ((await response.json()) as ErrorJson).error.code;
    const userCount = async () => Number((await h.store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const userRow = (id: string) => h.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

    /** A session of the user as the token side would store it: a family, a refresh token, an unused code. */
    async function insertSession(userId: string, tenantId = h.tenantId): Promise<{ familyId: string; codeId: string }> {
      const { row: client } = await createClient(h.store.db, tenantId, { name: 'App', redirect_uris: ['https://app.acme.test/cb'] }, h.clock.now);
      const familyId = newId();
      const codeId = newId();
      const now = h.clock.now;
      await h.store.db
        .insertInto('token_families')
        .values({ id: familyId, tenant_id: tenantId, client_id: client.id, user_id: userId, authorization_code_id: codeId, scope: 'openid', auth_method: 'login_url', auth_time: now, mfa_validated: 0, created_at: now, expires_at: now + 86_400_000, revoked_at: null, revoked_reason: null })
        .execute();
      await h.store.db.insertInto('refresh_tokens').values({ id: newId(), family_id: familyId, token_hash: sha256(newId()), parent_id: null, created_at: now, idle_expires_at: now + 3_600_000, rotated_at: null, sealed_child: null }).execute();
      await h.store.db
        .insertInto('authorization_codes')
        .values({ id: newId(), tenant_id: tenantId, client_id: client.id, user_id: userId, code_hash: sha256(newId()), redirect_uri: 'https://app.acme.test/cb', scope: 'openid', nonce: null, code_challenge: null, code_challenge_method: null, auth_method: 'login_url', auth_time: now, expires_at: now + 60_000, used_at: null, created_at: now })
        .execute();
      return { familyId, codeId };
    }

    before(async () => {
      h = await createHarness(dialect.url as string);
      otherKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
    });
    after(() => h.close());

    it('creates a user with seed 004’s fields, Keyway’s defaults and a trimmed email', async () => {
      const user = await created({ first_name: 'John', last_name: 'Doe', email: '  John.Doe@Example.com ' });
      assert.deepEqual(Object.keys(user).sort(), USER_FIELDS);
      assert.equal(user['object'], 'User');
      assert.deepEqual(
        [user.email, user.type, user['first_name'], user['last_name'], user.status, user['phone_number'], user['timezone'], user['mfa_enabled'], user['has_password']],
        ['John.Doe@Example.com', 'PERSONAL', 'John', 'Doe', 'ACTIVE', null, null, false, false],
      );
      assert.equal(user['created_at'], new Date(h.clock.now).toISOString());
      const read = await call('GET', `/api/v1/users/${user.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(await read.json(), user);
    });

    it('takes type, an E.164 phone number and an IANA time zone, stored in its canonical spelling', async () => {
      const user = await created({ first_name: 'Ada', last_name: 'King', email: 'ada@example.com', type: 'BUSINESS', phone_number: '+4368120265807', timezone: 'america/chicago' });
      assert.deepEqual([user.type, user['phone_number'], user['timezone']], ['BUSINESS', '+4368120265807', 'America/Chicago']);
    });

    it('refuses a second user with the same email in any case (409 email_taken), and allows it in another tenant', async () => {
      await created({ first_name: 'Sam', last_name: 'One', email: 'sam@example.com' });
      for (const email of ['sam@example.com', 'SAM@example.com', ' Sam@Example.COM ']) {
        const response = await call('POST', '/api/v1/users', { first_name: 'Sam', last_name: 'Two', email });
        assert.equal(response.status, 409);
        assert.equal(await errorCode(response), 'email_taken');
      }
      const rows = await h.store.db.selectFrom('users').select('id').where('email_key', '=', 'sam@example.com').execute();
      assert.equal(rows.length, 1);
      const elsewhere = await call('POST', '/api/v1/users', { first_name: 'Sam', last_name: 'Else', email: 'sam@example.com' }, otherKey);
      assert.equal(elsewhere.status, 201);
    });

    it('lets exactly one of 20 concurrent creations of one email through; the others get 409, none a 500', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, n) => call('POST', '/api/v1/users', { first_name: 'Race', last_name: String(n), email: n % 2 ? 'race@example.com' : 'RACE@example.com' })),
      );
      const statuses = responses.map((response) => response.status).sort();
      assert.deepEqual(statuses, [201, ...Array(19).fill(409)]);
      for (const response of responses.filter((r) => r.status === 409)) assert.equal(await errorCode(response), 'email_taken');
      const rows = await h.store.db.selectFrom('users').select('id').where('email_key', '=', 'race@example.com').execute();
      assert.equal(rows.length, 1);
    });

    const valid = { first_name: 'Val', last_name: 'Id', email: 'val@example.com' };
    for (const [name, body, status, code] of [
      ['an invalid email', { ...valid, email: 'not-an-email' }, 422, 'invalid_request'],
      ['an email over 254 characters', { ...valid, email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` }, 422, 'invalid_request'],
      ['a missing email', { first_name: 'Val', last_name: 'Id' }, 422, 'invalid_request'],
      ['an empty first name', { ...valid, first_name: '   ' }, 422, 'invalid_request'],
      ['a last name over 100 characters', { ...valid, last_name: 'x'.repeat(101) }, 422, 'invalid_request'],
      ['a name with control characters', { ...valid, first_name: 'Val\u0000' }, 422, 'invalid_request'],
      ['a type out of range', { ...valid, type: 'ADMIN' }, 422, 'invalid_request'],
      ['a lower-case type', { ...valid, type: 'business' }, 422, 'invalid_request'],
      ['an unknown field', { ...valid, role: 'admin' }, 422, 'invalid_request'],
      ['a status (it has its own endpoint)', { ...valid, status: 'INACTIVE' }, 422, 'invalid_request'],
      ['a time zone that does not exist', { ...valid, timezone: 'Mars/Olympus_Mons' }, 422, 'invalid_request'],
      ['an offset instead of a time zone', { ...valid, timezone: '+01:00' }, 422, 'invalid_request'],
      ['a phone number that is not E.164', { ...valid, phone_number: '0043 681 2026' }, 422, 'invalid_request'],
      ['a body that is not an object', ['x'], 422, 'invalid_request'],
      ['a body that is not JSON', '{"first_name":', 400, 'invalid_json'],
    ] as const) {
      it(`refuses ${name} with ${status} and creates nothing`, async () => {
        const before = await userCount();
        const response = await call('POST', '/api/v1/users', body);
        assert.equal(response.status, status);
        assert.equal(await errorCode(response), code);
        assert.equal(await userCount(), before);
      });
    }

    it('names the unknown field and the bad value in the error message', async () => {
      const response = await call('POST', '/api/v1/users', { ...valid, type: 'ADMIN', role: 'admin' });
      const { message } = ((await response.json()) as ErrorJson).error;
      assert.match(message, /unknown field: role/);
      assert.match(message, /type: must be PERSONAL or BUSINESS/);
    });

    it('refuses a body that is not sent as JSON with 415', async () => {
      const response = await h.app.request('/api/v1/users', { method: 'POST', headers: { 'x-api-key': h.apiKey, 'content-type': 'text/plain' }, body: JSON.stringify(valid) });
      assert.equal(response.status, 415);
    });

    describe('listing', () => {
      const mine: UserJson[] = [];
      before(async () => {
        for (let n = 0; n < 5; n += 1) mine.push(await created({ first_name: 'List', last_name: String(n), email: `list${n}@example.com`, type: n % 2 ? 'BUSINESS' : 'PERSONAL' }));
      });

      it('pages through all the tenant’s users newest first, and only theirs', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const response: Response = await call('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(response.status, 200);
          const page = (await response.json()) as ListJson;
          assert.equal(page.object, 'UserList');
          assert.ok(page.items.length <= 2);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.cursor;
        } while (cursor);
        const expected = (await h.store.db.selectFrom('users').select('id').where('tenant_id', '=', h.tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map((row) => row.id);
        assert.deepEqual(seen, expected);
        assert.deepEqual(seen.slice(0, 5), mine.map((user) => user.id).reverse());
        const theirs = (await (await call('GET', '/api/v1/users', undefined, otherKey)).json()) as ListJson;
        assert.deepEqual(theirs.items.map((item) => item.email), ['sam@example.com']);
      });

      it('finds a user by email whatever its case, exactly (no prefix matches)', async () => {
        for (const email of ['list3@example.com', 'LIST3@Example.Com']) {
          const page = (await (await call('GET', `/api/v1/users?email=${encodeURIComponent(email)}`)).json()) as ListJson;
          assert.deepEqual(page.items.map((item) => item.id), [mine[3]?.id]);
          assert.equal(page.cursor, null);
        }
        const none = (await (await call('GET', '/api/v1/users?email=list@example.com')).json()) as ListJson;
        assert.deepEqual(none.items, []);
      });

      it('filters by type, alone and with email', async () => {
        const business = (await (await call('GET', '/api/v1/users?type=BUSINESS&limit=100')).json()) as ListJson;
        assert.ok(business.items.length > 0);
        assert.ok(business.items.every((item) => item.type === 'BUSINESS'));
        assert.ok(business.items.some((item) => item.id === mine[1]?.id) && !business.items.some((item) => item.id === mine[0]?.id));
        const both = (await (await call('GET', '/api/v1/users?type=PERSONAL&email=list1@example.com')).json()) as ListJson;
        assert.deepEqual(both.items, []);
      });

      it('accepts the limits 1 and 100', async () => {
        assert.equal(((await (await call('GET', '/api/v1/users?limit=1')).json()) as ListJson).items.length, 1);
        assert.equal((await call('GET', '/api/v1/users?limit=100')).status, 200);
      });

      for (const [name, query, code] of [
        ['a limit of 0', '?limit=0', 'invalid_request'],
        ['a limit over 100', '?limit=101', 'invalid_request'],
        ['a limit that is not a whole number', '?limit=2.5', 'invalid_request'],
        ['a limit that is not a number', '?limit=ten', 'invalid_request'],
        ['an unknown type', '?type=ADMIN', 'invalid_request'],
        ['an email filter that is no email', '?email=list3', 'invalid_request'],
        ['an unknown parameter', '?sort=email', 'invalid_request'],
        ['a forged cursor', '?cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
        ['a cursor of the wrong shape', `?cursor=${Buffer.from('["x",1]').toString('base64url')}`, 'invalid_cursor'],
      ] as const) {
        it(`refuses ${name} with 422`, async () => {
          const response = await call('GET', `/api/v1/users${query}`);
          assert.equal(response.status, 422);
          assert.equal(await errorCode(response), code);
        });
      }
    });

    describe('reading and updating', () => {
      let user: UserJson;
      let neighbour: UserJson;
      before(async () => {
        user = await created({ first_name: 'Up', last_name: 'Date', email: 'update@example.com', phone_number: '+12025550123', timezone: 'Europe/Vienna' });
        neighbour = await created({ first_name: 'Next', last_name: 'Door', email: 'neighbour@example.com' });
      });

      it('answers 404 user_not_found for an unknown id and for another tenant’s user', async () => {
        for (const [id, key] of [['no-such-user', h.apiKey], [user.id, otherKey]] as const) {
          const response = await call('GET', `/api/v1/users/${id}`, undefined, key);
          assert.equal(response.status, 404);
          assert.equal(await errorCode(response), 'user_not_found');
        }
      });

      it('changes only the fields sent, and null clears the phone number', async () => {
        h.clock.advance(5000);
        const response = await call('PUT', `/api/v1/users/${user.id}`, { first_name: ' Upton ', phone_number: null });
        assert.equal(response.status, 200);
        const updated = (await response.json()) as UserJson;
        assert.deepEqual([updated['first_name'], updated['last_name'], updated['phone_number'], updated['timezone'], updated.email], ['Upton', 'Date', null, 'Europe/Vienna', 'update@example.com']);
        assert.equal(updated.updated_at, new Date(h.clock.now).toISOString());
        assert.equal(updated['created_at'], user['created_at']);
        assert.deepEqual(await (await call('GET', `/api/v1/users/${user.id}`)).json(), updated);
      });

      it('changes the email, keeping it unique: the new address finds the user, the old one no longer does', async () => {
        const response = await call('PUT', `/api/v1/users/${user.id}`, { email: 'Renamed@Example.com' });
        assert.equal(response.status, 200);
        assert.equal(((await response.json()) as UserJson).email, 'Renamed@Example.com');
        const found = (await (await call('GET', '/api/v1/users?email=renamed@example.com')).json()) as ListJson;
        assert.deepEqual(found.items.map((item) => item.id), [user.id]);
        const old = (await (await call('GET', '/api/v1/users?email=update@example.com')).json()) as ListJson;
        assert.deepEqual(old.items, []);
        // A user may change the case of its own address.
        assert.equal((await call('PUT', `/api/v1/users/${user.id}`, { email: 'renamed@example.com' })).status, 200);
      });

      it('refuses another user’s email in any case with 409 and changes nothing', async () => {
        const before = await userRow(user.id);
        const response = await call('PUT', `/api/v1/users/${user.id}`, { email: 'NEIGHBOUR@example.com', first_name: 'Changed' });
        assert.equal(response.status, 409);
        assert.equal(await errorCode(response), 'email_taken');
        assert.deepEqual(await userRow(user.id), before);
        assert.equal((await userRow(neighbour.id))?.email, 'neighbour@example.com');
      });

      for (const [name, body] of [
        ['an empty body', {}],
        ['a status', { status: 'INACTIVE' }],
        ['an unknown field', { nickname: 'x' }],
        ['an invalid email', { email: 'nope@' }],
        ['a type out of range', { type: 'ENTERPRISE' }],
        ['an unknown time zone', { timezone: 'Europe/Atlantis' }],
        ['an id', { id: 'other' }],
      ] as const) {
        it(`refuses an update with ${name} with 422 and changes nothing`, async () => {
          const before = await userRow(user.id);
          const response = await call('PUT', `/api/v1/users/${user.id}`, body);
          assert.equal(response.status, 422);
          assert.equal(await errorCode(response), 'invalid_request');
          assert.deepEqual(await userRow(user.id), before);
        });
      }

      it('does not let another tenant update the user', async () => {
        const before = await userRow(user.id);
        const response = await call('PUT', `/api/v1/users/${user.id}`, { first_name: 'Hijacked' }, otherKey);
        assert.equal(response.status, 404);
        assert.equal(await errorCode(response), 'user_not_found');
        assert.deepEqual(await userRow(user.id), before);
      });
    });

    describe('status', () => {
      it('deactivating ends the user’s sessions in the same step; reactivating does not bring them back', async () => {
        const user = await created({ first_name: 'In', last_name: 'Active', email: 'inactive@example.com' });
        const bystander = await created({ first_name: 'By', last_name: 'Stander', email: 'bystander@example.com' });
        const session = await insertSession(user.id);
        const earlier = await insertSession(user.id);
        await h.store.db.updateTable('token_families').set({ revoked_at: h.clock.now - 10, revoked_reason: 'reuse' }).where('id', '=', earlier.familyId).execute();
        const untouched = await insertSession(bystander.id);
        h.clock.advance(1000);

        const response = await call('PUT', `/api/v1/users/${user.id}/status`, { status: 'INACTIVE' });
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
        const again = await call('PUT', `/api/v1/users/${user.id}/status`, { status: 'ACTIVE' });
        assert.equal(((await again.json()) as UserJson).status, 'ACTIVE');
        const still = await h.store.db.selectFrom('token_families').select('revoked_reason').where('id', '=', session.familyId).executeTakeFirstOrThrow();
        assert.equal(still.revoked_reason, 'user_inactive');
      });

      it('leaves updated_at alone when the status does not change', async () => {
        const user = await created({ first_name: 'Same', last_name: 'State', email: 'same@example.com' });
        h.clock.advance(1000);
        const response = await call('PUT', `/api/v1/users/${user.id}/status`, { status: 'ACTIVE' });
        assert.equal(((await response.json()) as UserJson).updated_at, user.updated_at);
      });

      for (const [name, body] of [
        ['an unknown status', { status: 'DISABLED' }],
        ['a lower-case status', { status: 'inactive' }],
        ['no status', {}],
        ['an extra field', { status: 'INACTIVE', reason: 'x' }],
      ] as const) {
        it(`refuses ${name} with 422 and changes nothing`, async () => {
          const user = await created({ first_name: 'Bad', last_name: 'Status', email: `status-${newId()}@example.com` });
          const response = await call('PUT', `/api/v1/users/${user.id}/status`, body);
          assert.equal(response.status, 422);
          assert.equal((await userRow(user.id))?.status, 'ACTIVE');
        });
      }

      it('answers 404 for another tenant’s user and leaves its status', async () => {
        const user = await created({ first_name: 'Not', last_name: 'Yours', email: 'notyours@example.com' });
        const response = await call('PUT', `/api/v1/users/${user.id}/status`, { status: 'INACTIVE' }, otherKey);
        assert.equal(response.status, 404);
        assert.equal((await userRow(user.id))?.status, 'ACTIVE');
      });
    });

    describe('deleting', () => {
      it('deletes the user with its sessions and codes, detaches and expires its sign-in links, in one step', async () => {
        const user = await created({ first_name: 'Gone', last_name: 'Soon', email: 'gone@example.com' });
        const bystander = await created({ first_name: 'Stays', last_name: 'Here', email: 'stays@example.com' });
        const session = await insertSession(user.id);
        const kept = await insertSession(bystander.id);
        const linkId = newId();
        const now = h.clock.now;
        await h.store.db
          .insertInto('links')
          .values({ id: linkId, tenant_id: h.tenantId, token_hash: sha256(newId()), type: 'signin', providers_json: '[]', api_url: 'https://api.acme.test', success_redirect_url: null, failure_redirect_url: null, notify_url: null, name: null, reconnect_account: null, origins_json: '[]', locale: null, expires_at: now + 600_000, created_at: now, used_at: null, notify_on_expiry: 0, expiry_reported_at: null, new_link_url: null })
          .execute();
        const client = await h.store.db.selectFrom('token_families').select('client_id').where('id', '=', session.familyId).executeTakeFirstOrThrow();
        await h.store.db.insertInto('signin_requests').values({ link_id: linkId, client_id: client.client_id, redirect_uri: 'https://app.acme.test/cb', scope: 'openid', state: null, nonce: null, code_challenge: null, code_challenge_method: null, user_id: user.id, login_hint: null, method: 'login_url', parent_link_id: null }).execute();
        h.clock.advance(1000);

        const response = await call('DELETE', `/api/v1/users/${user.id}`);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { object: 'UserDeleted', id: user.id });
        assert.equal(await userRow(user.id), undefined);
        assert.equal((await call('GET', `/api/v1/users/${user.id}`)).status, 404);
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

        const again = await call('DELETE', `/api/v1/users/${user.id}`);
        assert.equal(again.status, 404);
        assert.equal(await errorCode(again), 'user_not_found');
        // The address is free again.
        await created({ first_name: 'Gone', last_name: 'Again', email: 'gone@example.com' });
      });

      it('does not let another tenant delete the user', async () => {
        const user = await created({ first_name: 'Safe', last_name: 'User', email: 'safe@example.com' });
        await insertSession(user.id);
        const response = await call('DELETE', `/api/v1/users/${user.id}`, undefined, otherKey);
        assert.equal(response.status, 404);
        assert.ok(await userRow(user.id));
        const families = await h.store.db.selectFrom('token_families').select('revoked_at').where('user_id', '=', user.id).execute();
        assert.deepEqual(families, [{ revoked_at: null }]);
      });
    });

    it('refuses every users route without a valid API key', async () => {
      for (const [method, path] of [['GET', '/api/v1/users'], ['POST', '/api/v1/users'], ['GET', '/api/v1/users/x'], ['PUT', '/api/v1/users/x'], ['PUT', '/api/v1/users/x/status'], ['DELETE', '/api/v1/users/x']] as const) {
        assert.equal((await h.app.request(path, { method })).status, 401, `${method} ${path}`);
        assert.equal((await call(method, path, undefined, 'kw_nope')).status, 401, `${method} ${path}`);
      }
    });

    it('gives the token side seed 001’s user fields', async () => {
      const user = await created({ first_name: 'Unit', last_name: 'Test', email: 'unit@example.com', phone_number: '+4368120265807', timezone: 'America/Chicago' });
      const row = await userRow(user.id);
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
