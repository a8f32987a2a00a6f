import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { startOutboxRetention } from '../../src/server/jobs/outbox-retention.js';
import { newId } from '../../src/server/security/tokens.js';
import { announceSkips, createHarness, dialects, type Harness } from './harness.js';

announceSkips();

const DAY = 24 * 60 * 60 * 1000;

for (const dialect of dialects()) {
  describe(`outbox retention (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    /** A webhook delivery and a mail, each finished (or not) the given days ago. */
    async function rows(label: string, state: 'done' | 'given_up' | 'pending', daysAgo: number): Promise<void> {
      const at = h.clock.now - daysAgo * DAY;
      const done = state === 'done' ? at : null;
      const failed = state === 'given_up' ? at : null;
      await h.store.db
        .insertInto('webhook_outbox')
        .values({ id: `w-${label}`, tenant_id: h.tenantId, event_id: newId(), url: 'https://hooks.acme.test/k', destination: 'https://hooks.acme.test', body: '{}', attempts: 1, next_attempt_at: at, locked_until: null, delivered_at: done, failed_at: failed, last_error: null, created_at: at })
        .execute();
      await h.store.db
        .insertInto('mail_outbox')
        .values({ id: `m-${label}`, tenant_id: h.tenantId, kind: 'message', ref_id: null, to_address: 'ann@example.com', subject: 'Hi', sealed_body: '', attempts: 1, next_attempt_at: at, locked_until: null, expires_at: null, sent_at: done, failed_at: failed, last_error: null, created_at: at })
        .execute();
    }
    const left = async () => ({
      webhooks: (await h.store.db.selectFrom('webhook_outbox').select('id').orderBy('id').execute()).map((row) => row.id),
      mails: (await h.store.db.selectFrom('mail_outbox').select('id').orderBy('id').execute()).map((row) => row.id),
    });

    it('deletes what was delivered or given up before the retention, in batches, and never a row still pending', async () => {
      await rows('old-done', 'done', 31);
      await rows('old-given-up', 'given_up', 45);
      await rows('old-pending', 'pending', 400);
      await rows('recent-done', 'done', 29);
      // More than one batch of old rows, so the pass has to go round again.
      for (let i = 0; i < 1100; i += 1) {
        await h.store.db
          .insertInto('webhook_outbox')
          .values({ id: `w-bulk-${String(i).padStart(4, '0')}`, tenant_id: h.tenantId, event_id: newId(), url: 'https://hooks.acme.test/k', destination: 'https://hooks.acme.test', body: '{}', attempts: 1, next_attempt_at: 0, locked_until: null, delivered_at: h.clock.now - 60 * DAY, failed_at: null, last_error: null, created_at: 0 })
          .execute();
      }
      const retention = startOutboxRetention({ store: h.store, clock: h.clock.read, retentionDays: 30, pollMs: 60 * 60 * 1000, log: () => {} });
      try {
        assert.equal(await retention.drain(), 1104);
        assert.deepEqual(await left(), { webhooks: ['w-old-pending', 'w-recent-done'], mails: ['m-old-pending', 'm-recent-done'] });
        assert.equal(await retention.drain(), 0, 'a second pass finds nothing more');
      } finally {
        await retention.stop();
      }
    });
  });
}

describe('KEYWAY_OUTBOX_RETENTION_DAYS', () => {
  it('defaults to 30 days and takes whole days from 1 to 3650', () => {
    assert.equal(loadConfig({ KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).config.outboxRetentionDays, 30);
    assert.equal(loadConfig({ KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), KEYWAY_OUTBOX_RETENTION_DAYS: '90' }).config.outboxRetentionDays, 90);
    for (const bad of ['0', '3651', '1.5', 'forever', '']) {
      assert.throws(() => loadConfig({ KEYWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), KEYWAY_OUTBOX_RETENTION_DAYS: bad }), /KEYWAY_OUTBOX_RETENTION_DAYS must be whole days from 1 to 3650/, bad);
    }
  });
});
