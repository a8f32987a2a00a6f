import type { Kysely, Transaction } from 'kysely';
import type { AgentId, MessageWebhookEvent } from '../../protocol/index.js';
import { newId, sha256 } from '../security/tokens.js';
import type { Database, MessageTable, UserTable } from '../store/schema.js';
import { enqueueWebhook } from '../webhooks/outbox.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Seed 000's tokens are UUIDs; anything else is refused before a lookup. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a message token signs nobody in; each caller turns it into its own answer (an OAuth error, a failure step). */
export type MessageTokenFailure = 'token_malformed' | 'token_unknown' | 'token_expired' | 'token_used' | 'message_failed' | 'message_not_delivered' | 'user_inactive';

export const MESSAGE_TOKEN_REFUSALS: Record<MessageTokenFailure, string> = {
  token_malformed: 'The message token is not a UUID.',
  token_unknown: 'The message token names no message.',
  token_expired: 'The message token has expired; a newer message carries a new one.',
  token_used: 'The message token has already been used to sign in.',
  message_failed: 'The message was never delivered, so its token does not sign in.',
  message_not_delivered: 'The message has not been sent yet, so its token does not sign in.',
  user_inactive: 'The account the message was sent to is not active, so it cannot sign in.',
};

export interface MessageSignIn {
  message: MessageTable;
  user: UserTable;
}

/** The stored digest of a token: UUIDs compare case-insensitively, so the lower-case form is hashed. */
export function messageTokenHash(token: string): string {
  return sha256(token.toLowerCase());
}

/**
 * The tenant's message for a token. Another tenant's token is as unknown as a made-up one, so a
 * token never reaches past the tenant it was sent for.
 */
export async function findMessageByToken(db: Db, tenantId: string, token: string): Promise<MessageTable | { failure: 'token_malformed' | 'token_unknown' }> {
  if (!UUID.test(token)) return { failure: 'token_malformed' };
  const row = await db.selectFrom('messages').selectAll().where('token_hash', '=', messageTokenHash(token)).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ?? { failure: 'token_unknown' };
}

/** Every check short of using the token up, changing nothing: what a page may draw from. */
export async function checkMessageToken(db: Db, message: MessageTable, now: number): Promise<MessageSignIn | { failure: MessageTokenFailure }> {
  if (message.token_used_at !== null) return { failure: 'token_used' };
  if (Number(message.token_expires_at) <= now) return { failure: 'token_expired' };
  if (message.status === 'failed') return { failure: 'message_failed' };
  // Scheduled: the client has not received it, so whoever holds the token did not get it from the mail.
  if (message.status === 'scheduled') return { failure: 'message_not_delivered' };
  // Bound to the message's own user: the token signs in no one else, whoever presents it.
  const user = await db.selectFrom('users').selectAll().where('id', '=', message.user_id).where('tenant_id', '=', message.tenant_id).executeTakeFirst();
  if (!user || user.status !== 'ACTIVE') return { failure: 'user_inactive' };
  return { message, user };
}

/**
 * Uses the token up in the caller's transaction, once: of two sign-ins racing with one token the
 * guarded update lets exactly one through. MESSAGE_TOKEN_USED is queued in the same transaction.
 * Answers whether a webhook was queued, for the caller to kick the worker after its commit.
 */
export async function claimMessageToken(
  trx: Transaction<Database>,
  options: { message: MessageTable; clientId: string; now: number },
): Promise<(MessageSignIn & { eventQueued: boolean }) | { failure: MessageTokenFailure }> {
  const { message, now } = options;
  const checked = await checkMessageToken(trx, message, now);
  if ('failure' in checked) return checked;
  const claimed = await trx.updateTable('messages').set({ token_used_at: now, updated_at: now }).where('id', '=', message.id).where('token_used_at', 'is', null).executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return { failure: 'token_used' };
  const eventQueued = await queueTokenUsed(trx, { message, clientId: options.clientId, now });
  return { ...checked, message: { ...message, token_used_at: now }, eventQueued };
}

async function queueTokenUsed(trx: Transaction<Database>, options: { message: MessageTable; clientId: string; now: number }): Promise<boolean> {
  const { message, now } = options;
  const tenant = await trx.selectFrom('tenants').select('webhook_url').where('id', '=', message.tenant_id).executeTakeFirst();
  if (!tenant?.webhook_url) return false;
  const event: MessageWebhookEvent = {
    status: 'MESSAGE_TOKEN_USED',
    event_id: newId(),
    occurred_at: new Date(now).toISOString(),
    message_id: message.id,
    user_id: message.user_id,
    agent_id: JSON.parse(message.agent_id) as AgentId,
    client_id: options.clientId,
  };
  await enqueueWebhook(trx, { tenantId: message.tenant_id, url: tenant.webhook_url, now, event });
  return true;
}
