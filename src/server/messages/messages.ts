import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MESSAGE_LIMITS, type MessageContent, type MessageCreateRequest } from '../../protocol/index.js';
import { brandOfTenant } from '../brands.js';
import { ApiError } from '../errors.js';
import { createUser, findUser, findUserByEmail, userNotFound } from '../identity/users.js';
import type { Sealer } from '../security/sealer.js';
import { newId, sha256 } from '../security/tokens.js';
import { decodeCursor, encodeCursor } from '../store/keyset.js';
import type { Database, MessageTable, UserTable } from '../store/schema.js';
import { enqueueMail } from './mail-outbox.js';
import { messageSubject, renderMessageMail } from './message-mail.js';

/** A message token's lifetime when the tenant sets none. */
export const DEFAULT_MESSAGE_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;

/** The agreed storage of a message token: the digest of its lower-case spelling, never the token. */
export function messageTokenHash(token: string): string {
  return sha256(token.toLowerCase());
}

function contentOf(request: MessageCreateRequest): MessageContent {
  const content = request.content;
  return {
    listings: content.listings ?? [],
    searches: content.searches ?? [],
    message: content.message ?? null,
    subject: content.subject === '' ? null : (content.subject ?? null),
    links: content.links ?? [],
    pictures: content.pictures ?? [],
  };
}

/** The schedule as an instant, or null to send now; in the past or over a year ahead is the caller's mistake. */
function scheduleOf(request: MessageCreateRequest, now: number): number | null {
  const at = request.delivery?.scheduleDateTime;
  if (at === undefined || at === null) return null;
  const time = Date.parse(at);
  if (time <= now) throw new ApiError(422, 'invalid_request', 'The request is not valid: delivery.scheduleDateTime: must be in the future', { field: 'delivery.scheduleDateTime' });
  if (time > now + MESSAGE_LIMITS.scheduleAheadMs) throw new ApiError(422, 'invalid_request', 'The request is not valid: delivery.scheduleDateTime: must be within a year', { field: 'delivery.scheduleDateTime' });
  return time;
}

/** The client by id (the tenant's own user) or by email (created when new); an INACTIVE one gets no message. */
async function clientOf(db: Kysely<Database>, tenantId: string, request: MessageCreateRequest, now: number): Promise<UserTable> {
  let user: UserTable | undefined;
  if (request.clientId !== undefined) {
    user = await findUser(db, tenantId, request.clientId);
    if (!user) throw userNotFound();
  } else {
    const email = request.email as string;
    user = (await findUserByEmail(db, tenantId, email)) ?? (await createUser(db, tenantId, { email, first_name: email.split('@')[0]?.slice(0, 100) ?? email, last_name: '' }, now));
  }
  if (user.status !== 'ACTIVE') throw new ApiError(409, 'client_inactive', 'This client is INACTIVE: activate the user before sending it messages.');
  return user;
}

export interface SentMessage {
  row: MessageTable;
  /** The message's UUID, which exists only in this answer and in the mail. */
  token: string;
}

/**
 * Stores a message and queues its mail in one transaction: both exist or neither. The token is
 * minted here and kept only as its hash. It expires the tenant's TTL after the mail leaves (the
 * scheduled time, or now), so a message scheduled weeks ahead still signs in for the full TTL.
 */
export async function sendMessage(deps: { db: Kysely<Database>; sealer: Sealer }, tenantId: string, request: MessageCreateRequest, now: number): Promise<SentMessage> {
  const scheduleAt = scheduleOf(request, now);
  const content = contentOf(request);
  const token = randomUUID();
  return deps.db.transaction().execute(async (trx) => {
    const user = await clientOf(trx, tenantId, request, now);
    const tenant = await trx.selectFrom('tenants').select('message_token_ttl_seconds').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const ttlMs = (tenant.message_token_ttl_seconds ?? DEFAULT_MESSAGE_TOKEN_TTL_SECONDS) * 1000;
    const brand = (await brandOfTenant(trx, tenantId))?.brand ?? { name: 'Keyway' };
    const id = newId();
    const body = renderMessageMail({ brand, content, token });
    const mailId = await enqueueMail(trx, {
      tenantId,
      kind: 'message',
      to: user.email,
      subject: messageSubject(content, brand),
      ...body,
      refId: id,
      sealer: deps.sealer,
      now,
      ...(scheduleAt !== null ? { sendAt: scheduleAt } : {}),
    });
    const row: MessageTable = {
      id,
      tenant_id: tenantId,
      user_id: user.id,
      agent_id: JSON.stringify(request.agentId),
      sender: request.sender,
      source: request.source,
      content: JSON.stringify(content),
      token_hash: messageTokenHash(token),
      token_expires_at: (scheduleAt ?? now) + ttlMs,
      token_used_at: null,
      status: scheduleAt !== null ? 'scheduled' : 'queued',
      schedule_at: scheduleAt,
      sent_at: null,
      failure_reason: null,
      mail_id: mailId,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('messages').values(row).execute();
    return { row, token };
  });
}

/** The tenant's message with this token, if any. The digest is looked up with the tenant, so another tenant's token reads as unknown. */
export async function findMessageByToken(db: Kysely<Database>, tenantId: string, token: string): Promise<MessageTable | undefined> {
  return db.selectFrom('messages').selectAll().where('token_hash', '=', messageTokenHash(token)).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function findMessage(db: Kysely<Database>, tenantId: string, id: string): Promise<MessageTable | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** A client's messages, newest first, in keyset pages. */
export async function listClientMessages(db: Kysely<Database>, tenantId: string, filter: { clientId: string; limit: number; cursor?: string }): Promise<{ rows: MessageTable[]; cursor: string | null }> {
  let select = db.selectFrom('messages').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', filter.clientId);
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    select = select.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { rows: page, cursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
}
