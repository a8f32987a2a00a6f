import type { Kysely, Migration } from 'kysely';

/** Messages a host app sends its users through Keyway (seed 000), each with one sign-in token. */
export const messageMigrations: Record<string, Migration> = {
  '0016_messages': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('token_used_at', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('schedule_at', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addColumn('failure_reason', 'text')
        .addColumn('mail_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_by_client').on('messages').columns(['tenant_id', 'user_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('messages_by_mail').on('messages').column('mail_id').execute();
      // A tenant's own token lifetime for message sign-ins; null keeps the default (7 days).
      await db.schema.alterTable('tenants').addColumn('message_token_ttl_seconds', 'integer').execute();
    },
  },
  '0019_message_signin_links': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('message_signins')
        .addColumn('link_id', 'text', (c) => c.primaryKey().references('links.id'))
        .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id'))
        .execute();
    },
  },
};
