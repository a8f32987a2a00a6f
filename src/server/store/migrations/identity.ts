import type { Kysely, Migration } from 'kysely';

/** The Sign-in half's tables: users, OAuth clients, codes, sessions, mail, passwords, MFA, user tokens. */
export const identityMigrations: Record<string, Migration> = {
  '0008_identity': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('email', 'text', (c) => c.notNull())
        // Lower-cased email: unique per tenant, so J@x and j@x are one user.
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('phone_number', 'text')
        .addColumn('timezone', 'text')
        .addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('has_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_email').on('users').columns(['tenant_id', 'email_key']).unique().execute();
      await db.schema.createIndex('users_page').on('users').columns(['tenant_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('oauth_clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        // SHA-256 of the secret; null for a public client (PKCE only).
        .addColumn('secret_hash', 'text')
        .addColumn('redirect_uris_json', 'text', (c) => c.notNull())
        .addColumn('grant_types_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('oauth_clients_tenant').on('oauth_clients').columns(['tenant_id', 'created_at']).execute();

      // What a sign-in link (a login URL, an authorization request) asks for; one row per link of type 'signin'.
      await db.schema
        .createTable('signin_requests')
        .addColumn('link_id', 'text', (c) => c.primaryKey().references('links.id'))
        .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id'))
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .addColumn('nonce', 'text')
        .addColumn('code_challenge', 'text')
        .addColumn('code_challenge_method', 'text')
        // Known from the start for a login URL; found by email for an authorization request.
        .addColumn('user_id', 'text', (c) => c.references('users.id'))
        .addColumn('login_hint', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('authorization_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text')
        .addColumn('code_challenge', 'text')
        .addColumn('code_challenge_method', 'text')
        .addColumn('auth_method', 'text', (c) => c.notNull())
        .addColumn('auth_time', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      // A session: every refresh token rotated from one sign-in belongs to its family.
      await db.schema
        .createTable('token_families')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('authorization_code_id', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('auth_method', 'text', (c) => c.notNull())
        .addColumn('auth_time', 'bigint', (c) => c.notNull())
        .addColumn('mfa_validated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('token_families_user').on('token_families').columns(['user_id', 'revoked_at']).execute();
      await db.schema.createIndex('token_families_code').on('token_families').column('authorization_code_id').execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('family_id', 'text', (c) => c.notNull().references('token_families.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('parent_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
        // Set when this token was exchanged for its child; with the child, sealed, for a retry within seconds.
        .addColumn('rotated_at', 'bigint')
        .addColumn('sealed_child', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();

      // Keys that sign access and ID tokens; private halves sealed. Retired keys stay published until their tokens expire.
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('sealed_private_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .addColumn('unpublish_at', 'bigint')
        .execute();
    },
  },
  '0009_mail_outbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        // The caller's handle on the mail (a message id), to look up whether it went out.
        .addColumn('ref_id', 'text')
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        // Text and HTML parts, sealed: they carry sign-in codes and links. Emptied once sent or given up.
        .addColumn('sealed_body', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        // A sign-in code is useless after it expires: such a mail is given up instead of sent late.
        .addColumn('expires_at', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addColumn('failed_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['sent_at', 'failed_at', 'next_attempt_at']).execute();
      await db.schema.createIndex('mail_outbox_ref').on('mail_outbox').columns(['tenant_id', 'ref_id']).execute();
    },
  },
  '0010_tenant_webhook': {
    async up(db: Kysely<unknown>) {
      // Where the sign-in half's events go (USER_SIGNED_IN, REFRESH_TOKEN_REUSED); links keep their own notify_url.
      await db.schema.alterTable('tenants').addColumn('webhook_url', 'text').execute();
    },
  },
  '0014_signin_siblings': {
    async up(db: Kysely<unknown>) {
      // A magic link's authorization request: whichever of the two signs in first uses both up.
      await db.schema.alterTable('signin_requests').addColumn('parent_link_id', 'text').execute();
    },
  },
  '0012_mfa': {
    async up(db: Kysely<unknown>) {
      // One TOTP factor per user: unconfirmed from setup until the first code verifies it.
      await db.schema
        .createTable('mfa_factors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id'))
        .addColumn('sealed_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        // The TOTP time step last accepted: a code of that step or an earlier one is a replay, on every instance.
        .addColumn('last_used_step', 'bigint')
        .execute();

      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('recovery_codes_user').on('recovery_codes').columns(['user_id', 'code_hash']).execute();
    },
  },
  '0013_user_tokens': {
    async up(db: Kysely<unknown>) {
      // 'private_token' keys only mint user tokens (seed 002); ordinary 'api' keys cannot, nor can these call the rest.
      await db.schema.alterTable('api_keys').addColumn('kind', 'text', (c) => c.notNull().defaultTo('api')).execute();
      // Seconds a user token lives; null: the default.
      await db.schema.alterTable('tenants').addColumn('user_token_ttl_seconds', 'integer').execute();
      // The host's `uid` for the user, as a slow salted hash; null until the first user token binds one.
      await db.schema.alterTable('users').addColumn('uid_hash', 'text').execute();
      // One row per minted token, so its jti is used once. No foreign key to users: deleting a user
      // need not know of this table, and a token whose user is gone finds no user and is refused.
      await db.schema
        .createTable('user_tokens')
        .addColumn('jti_hash', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0011_passwords': {
    async up(db: Kysely<unknown>) {
      // An argon2id PHC string (algorithm, parameters and salt inside); null: the user has no password.
      await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
      // Failed password sign-ins per key (a user, an unknown address, a client address) and the lock they led to.
      await db.schema
        .createTable('password_failures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('password_failures_updated').on('password_failures').column('updated_at').execute();
    },
  },
  '0015_signin_mfa': {
    async up(db: Kysely<unknown>) {
      // 1: the wizard sign-in that issued the code passed MFA, so the session it starts is validated.
      await db.schema.alterTable('authorization_codes').addColumn('mfa_validated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // 1: users without MFA set it up in the wizard before they sign in.
      await db.schema.alterTable('tenants').addColumn('require_mfa', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0017_onboarding': {
    async up(db: Kysely<unknown>) {
      // The tenant's onboarding settings (OnboardingSettings as JSON); null: the defaults.
      await db.schema.alterTable('tenants').addColumn('onboarding_json', 'text').execute();
    },
  },
};
