import type { Kysely, Migration } from 'kysely';

/** The Connect half's tables: tenants, keys, links, flows, accounts, webhooks, brands. `bigint` holds epoch milliseconds. */
export const connectMigrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('sealed_webhook_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('providers_json', 'text', (c) => c.notNull())
        .addColumn('api_url', 'text', (c) => c.notNull())
        .addColumn('success_redirect_url', 'text')
        .addColumn('failure_redirect_url', 'text')
        .addColumn('notify_url', 'text')
        .addColumn('name', 'text')
        .addColumn('reconnect_account', 'text')
        .addColumn('origins_json', 'text', (c) => c.notNull())
        .addColumn('locale', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();

      await db.schema
        .createTable('flows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('link_id', 'text', (c) => c.notNull().unique().references('links.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('step_json', 'text', (c) => c.notNull())
        .addColumn('sealed_state', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('account_id', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('sealed_secrets', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('accounts_tenant').on('accounts').columns(['tenant_id', 'created_at']).execute();

      await db.schema
        .createTable('webhook_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('delivered_at', 'bigint')
        .addColumn('failed_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['delivered_at', 'failed_at', 'next_attempt_at']).execute();
    },
  },
  '0002_flow_callbacks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('flow_callbacks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('code_hash', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flow_callbacks_code').on('flow_callbacks').column('code_hash').execute();
      await db.schema.createIndex('flow_callbacks_flow').on('flow_callbacks').columns(['flow_id', 'kind']).execute();
    },
  },
  '0003_account_renewal': {
    async up(db: Kysely<unknown>) {
      // Where to report the account's later status changes, and when its tokens need renewing.
      await db.schema.alterTable('accounts').addColumn('notify_url', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('renew_at', 'bigint').execute();
      await db.schema.alterTable('accounts').addColumn('renew_lease_until', 'bigint').execute();
      await db.schema.createIndex('accounts_renew').on('accounts').column('renew_at').execute();
    },
  },
  '0004_brands': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('brands')
        .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
        .addColumn('domain', 'text', (c) => c.unique())
        .addColumn('settings_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0005_limits_and_sealed_steps': {
    async up(db: Kysely<unknown>) {
      // A step can show one-time secrets (a QR payload, a pairing code, an OAuth state), so it is sealed like the state.
      await db.schema.alterTable('flows').renameColumn('step_json', 'sealed_step').execute();
      // MFA codes tried over all of a flow's challenges: going back for a fresh challenge does not reset them.
      await db.schema.alterTable('flows').addColumn('mfa_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // rate-limiter-flexible's table, shared by every instance on the same database.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();
    },
  },
  '0006_webhook_destinations': {
    async up(db: Kysely<unknown>) {
      // The receiver's origin, so a claim can pass over receivers that already have their share in flight.
      await db.schema.alterTable('webhook_outbox').addColumn('destination', 'text', (c) => c.notNull().defaultTo('')).execute();
      const outbox = db as unknown as Kysely<{ webhook_outbox: { url: string; destination: string } }>;
      // One update per distinct URL (a tenant has few), computed as enqueueWebhook does.
      for (const { url } of await outbox.selectFrom('webhook_outbox').select('url').distinct().execute()) {
        let destination = url.toLowerCase();
        try {
          destination = new URL(url).origin.toLowerCase();
        } catch {
          // kept as the raw URL, as enqueueWebhook would
        }
        await outbox.updateTable('webhook_outbox').set({ destination }).where('url', '=', url).execute();
      }
      await db.schema.createIndex('webhook_outbox_destination').on('webhook_outbox').columns(['destination', 'next_attempt_at']).execute();
    },
  },
  '0007_link_expiry': {
    async up(db: Kysely<unknown>) {
      // 1 when the host asked to hear of the link expiring unopened; when that (or an expired opening) was reported, once.
      await db.schema.alterTable('links').addColumn('notify_on_expiry', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('links').addColumn('expiry_reported_at', 'bigint').execute();
      await db.schema.alterTable('links').addColumn('new_link_url', 'text').execute();
      await db.schema.createIndex('links_expiry_due').on('links').columns(['notify_on_expiry', 'expiry_reported_at', 'expires_at']).execute();
    },
  },
};
