import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../src/server/store/tenants.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';
import { call, created, errorCode, userCount, userRow, type ErrorJson, type ListJson, type UserJson } from './users-fixtures.js';

announceSkips();

const USER_FIELDS = ['created_at', 'email', 'failed_sign_ins', 'first_name', 'has_password', 'id', 'last_name', 'locked_until', 'mfa_enabled', 'object', 'phone_number', 'status', 'timezone', 'type', 'updated_at'];

for (const dialect of dialects()) {
  describe(`users API (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    let otherKey: string;

    before(async () => {
      h = await createHarness(dialect.url as string);
      otherKey = (await createApiKey(h.store.db, h.services.sealer, { tenantName: 'globex', now: h.clock.now })).apiKey;
    });
    after(() => h.close());

    it('creates a user with seed 004’s fields, Keyway’s defaults and a trimmed email', async () => {
      const user = await created(h, { first_name: 'John', last_name: 'Doe', email: '  John.Doe@Example.com ' });
      assert.deepEqual(Object.keys(user).sort(), USER_FIELDS);
      assert.equal(user['object'], 'User');
      assert.deepEqual(
        [user.email, user.type, user['first_name'], user['last_name'], user.status, user['phone_number'], user['timezone'], user['mfa_enabled'], user['has_password']],
        ['John.Doe@Example.com', 'PERSONAL', 'John', 'Doe', 'ACTIVE', null, null, false, false],
      );
      assert.equal(user['created_at'], new Date(h.clock.now).toISOString());
      const read = await call(h, 'GET', `/api/v1/users/${user.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(await read.json(), user);
    });

    it('takes type, an E.164 phone number and an IANA time zone, stored in its canonical spelling', async () => {
      const user = await created(h, { first_name: 'Ada', last_name: 'King', email: 'ada@example.com', type: 'BUSINESS', phone_number: '+4368120265807', timezone: 'america/chicago' });
      assert.deepEqual([user.type, user['phone_number'], user['timezone']], ['BUSINESS', '+4368120265807', 'America/Chicago']);
    });

    it('refuses a second user with the same email in any case (409 email_taken), and allows it in another tenant', async () => {
      await created(h, { first_name: 'Sam', last_name: 'One', email: 'sam@example.com' });
      for (const email of ['sam@example.com', 'SAM@example.com', ' Sam@Example.COM ']) {
        const response = await call(h, 'POST', '/api/v1/users', { first_name: 'Sam', last_name: 'Two', email });
        assert.equal(response.status, 409);
        assert.equal(await errorCode(response), 'email_taken');
      }
      const rows = await h.store.db.selectFrom('users').select('id').where('email_key', '=', 'sam@example.com').execute();
      assert.equal(rows.length, 1);
      const elsewhere = await call(h, 'POST', '/api/v1/users', { first_name: 'Sam', last_name: 'Else', email: 'sam@example.com' }, otherKey);
      assert.equal(elsewhere.status, 201);
    });

    it('lets exactly one of 20 concurrent creations of one email through; the others get 409, none a 500', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, n) => call(h, 'POST', '/api/v1/users', { first_name: 'Race', last_name: String(n), email: n % 2 ? 'race@example.com' : 'RACE@example.com' })),
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
        const before = await userCount(h);
        const response = await call(h, 'POST', '/api/v1/users', body);
        assert.equal(response.status, status);
        assert.equal(await errorCode(response), code);
        assert.equal(await userCount(h), before);
      });
    }

    it('names the unknown field and the bad value in the error message', async () => {
      const response = await call(h, 'POST', '/api/v1/users', { ...valid, type: 'ADMIN', role: 'admin' });
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
        for (let n = 0; n < 5; n += 1) mine.push(await created(h, { first_name: 'List', last_name: String(n), email: `list${n}@example.com`, type: n % 2 ? 'BUSINESS' : 'PERSONAL' }));
      });

      it('pages through all the tenant’s users newest first, and only theirs', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const response: Response = await call(h, 'GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
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
        const theirs = (await (await call(h, 'GET', '/api/v1/users', undefined, otherKey)).json()) as ListJson;
        assert.deepEqual(theirs.items.map((item) => item.email), ['sam@example.com']);
      });

      it('finds a user by email whatever its case, exactly (no prefix matches)', async () => {
        for (const email of ['list3@example.com', 'LIST3@Example.Com']) {
          const page = (await (await call(h, 'GET', `/api/v1/users?email=${encodeURIComponent(email)}`)).json()) as ListJson;
          assert.deepEqual(page.items.map((item) => item.id), [mine[3]?.id]);
          assert.equal(page.cursor, null);
        }
        const none = (await (await call(h, 'GET', '/api/v1/users?email=list@example.com')).json()) as ListJson;
        assert.deepEqual(none.items, []);
      });

      it('filters by type, alone and with email', async () => {
        const business = (await (await call(h, 'GET', '/api/v1/users?type=BUSINESS&limit=100')).json()) as ListJson;
        assert.ok(business.items.length > 0);
        assert.ok(business.items.every((item) => item.type === 'BUSINESS'));
        assert.ok(business.items.some((item) => item.id === mine[1]?.id) && !business.items.some((item) => item.id === mine[0]?.id));
        const both = (await (await call(h, 'GET', '/api/v1/users?type=PERSONAL&email=list1@example.com')).json()) as ListJson;
        assert.deepEqual(both.items, []);
      });

      it('accepts the limits 1 and 100', async () => {
        assert.equal(((await (await call(h, 'GET', '/api/v1/users?limit=1')).json()) as ListJson).items.length, 1);
        assert.equal((await call(h, 'GET', '/api/v1/users?limit=100')).status, 200);
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
          const response = await call(h, 'GET', `/api/v1/users${query}`);
          assert.equal(response.status, 422);
          assert.equal(await errorCode(response), code);
        });
      }
    });

    describe('reading and updating', () => {
      let user: UserJson;
      let neighbour: UserJson;
      before(async () => {
        user = await created(h, { first_name: 'Up', last_name: 'Date', email: 'update@example.com', phone_number: '+12025550123', timezone: 'Europe/Vienna' });
        neighbour = await created(h, { first_name: 'Next', last_name: 'Door', email: 'neighbour@example.com' });
      });

      it('answers 404 user_not_found for an unknown id and for another tenant’s user', async () => {
        for (const [id, key] of [['no-such-user', h.apiKey], [user.id, otherKey]] as const) {
          const response = await call(h, 'GET', `/api/v1/users/${id}`, undefined, key);
          assert.equal(response.status, 404);
          assert.equal(await errorCode(response), 'user_not_found');
        }
      });

      it('changes only the fields sent, and null clears the phone number', async () => {
        h.clock.advance(5000);
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}`, { first_name: ' Upton ', phone_number: null });
        assert.equal(response.status, 200);
        const updated = (await response.json()) as UserJson;
        assert.deepEqual([updated['first_name'], updated['last_name'], updated['phone_number'], updated['timezone'], updated.email], ['Upton', 'Date', null, 'Europe/Vienna', 'update@example.com']);
        assert.equal(updated.updated_at, new Date(h.clock.now).toISOString());
        assert.equal(updated['created_at'], user['created_at']);
        assert.deepEqual(await (await call(h, 'GET', `/api/v1/users/${user.id}`)).json(), updated);
      });

      it('changes the email, keeping it unique: the new address finds the user, the old one no longer does', async () => {
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}`, { email: 'Renamed@Example.com' });
        assert.equal(response.status, 200);
        assert.equal(((await response.json()) as UserJson).email, 'Renamed@Example.com');
        const found = (await (await call(h, 'GET', '/api/v1/users?email=renamed@example.com')).json()) as ListJson;
        assert.deepEqual(found.items.map((item) => item.id), [user.id]);
        const old = (await (await call(h, 'GET', '/api/v1/users?email=update@example.com')).json()) as ListJson;
        assert.deepEqual(old.items, []);
        // A user may change the case of its own address.
        assert.equal((await call(h, 'PUT', `/api/v1/users/${user.id}`, { email: 'renamed@example.com' })).status, 200);
      });

      it('refuses another user’s email in any case with 409 and changes nothing', async () => {
        const before = await userRow(h, user.id);
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}`, { email: 'NEIGHBOUR@example.com', first_name: 'Changed' });
        assert.equal(response.status, 409);
        assert.equal(await errorCode(response), 'email_taken');
        assert.deepEqual(await userRow(h, user.id), before);
        assert.equal((await userRow(h, neighbour.id))?.email, 'neighbour@example.com');
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
          const before = await userRow(h, user.id);
          const response = await call(h, 'PUT', `/api/v1/users/${user.id}`, body);
          assert.equal(response.status, 422);
          assert.equal(await errorCode(response), 'invalid_request');
          assert.deepEqual(await userRow(h, user.id), before);
        });
      }

      it('does not let another tenant update the user', async () => {
        const before = await userRow(h, user.id);
        const response = await call(h, 'PUT', `/api/v1/users/${user.id}`, { first_name: 'Hijacked' }, otherKey);
        assert.equal(response.status, 404);
        assert.equal(await errorCode(response), 'user_not_found');
        assert.deepEqual(await userRow(h, user.id), before);
      });
    });
  });
}
