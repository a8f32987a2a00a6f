import * as z from 'zod/mini';
import { HttpUrl, IsoDateTime } from './common.js';
import { UserEmail, unknownFields } from './user.js';

/** Limits on what one message may carry: a mail, not a file transfer. */
export const MESSAGE_LIMITS = {
  messageChars: 20_000,
  subjectChars: 200,
  links: 50,
  pictures: 20,
  /** Listings and searches are the host's own JSON; each list at most this many items and bytes as JSON. */
  jsonItems: 50,
  jsonBytes: 64 * 1024,
  agentIdChars: 64,
  /** How far ahead a message may be scheduled. */
  scheduleAheadMs: 366 * 24 * 60 * 60 * 1000,
} as const;

/** Seed 000's delivery status. */
export const MessageDeliveryStatus = z.enum(['scheduled', 'queued', 'sent', 'failed']);
export type MessageDeliveryStatus = z.infer<typeof MessageDeliveryStatus>;

/** The host's agent id, a number or a string, given back exactly as it came. */
export const AgentId = z.union([
  z.number({ error: 'must be a number or a string' }).check(z.refine(Number.isSafeInteger, 'must be a whole number')),
  z.string({ error: 'must be a number or a string' }).check(z.minLength(1, 'must not be empty'), z.maxLength(MESSAGE_LIMITS.agentIdChars, `must be at most ${MESSAGE_LIMITS.agentIdChars} characters`)),
], { error: 'must be a number or a string' });
export type AgentId = z.infer<typeof AgentId>;

/** A picture is shown as a link, and only over https, so opening the mail tells nobody anything in clear. */
const HttpsUrl = z.string({ error: 'must be an https URL' }).check(
  z.maxLength(2048, 'must be at most 2048 characters'),
  z.refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an absolute https URL'),
);

function jsonSize(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

/** A list of the host's own JSON values (listings, searches), kept as given within its limits. */
const HostJsonList = z.array(z.unknown()).check(
  z.maxLength(MESSAGE_LIMITS.jsonItems, `must have at most ${MESSAGE_LIMITS.jsonItems} items`),
  z.refine((items) => jsonSize(items) <= MESSAGE_LIMITS.jsonBytes, `must be at most ${MESSAGE_LIMITS.jsonBytes} bytes as JSON`),
);

const NoControlChars = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

export const MessageContentInput = z
  .strictObject(
    {
      message: z.optional(z.nullable(z.string({ error: 'must be a string' }).check(
        z.maxLength(MESSAGE_LIMITS.messageChars, `must be at most ${MESSAGE_LIMITS.messageChars} characters`),
        z.regex(NoControlChars, 'must not contain control characters'),
      ))),
      subject: z.optional(z.nullable(z.string({ error: 'must be a string' }).check(
        z.trim(),
        z.maxLength(MESSAGE_LIMITS.subjectChars, `must be at most ${MESSAGE_LIMITS.subjectChars} characters`),
        // A subject is one header line: no line breaks either.
        z.regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line without control characters'),
      ))),
      links: z.optional(z.array(HttpUrl, { error: 'must be a list of URLs' }).check(z.maxLength(MESSAGE_LIMITS.links, `must have at most ${MESSAGE_LIMITS.links} links`))),
      listings: z.optional(HostJsonList),
      searches: z.optional(HostJsonList),
      pictures: z.optional(z.array(HttpsUrl, { error: 'must be a list of https URLs' }).check(z.maxLength(MESSAGE_LIMITS.pictures, `must have at most ${MESSAGE_LIMITS.pictures} pictures`))),
    },
    unknownFields,
  )
  .check(z.refine((content) => (content.message ?? '').trim() !== '' || (content.links ?? []).length > 0, {
    error: 'a message needs a text or at least one link',
    when: (payload) => payload.issues.length === 0,
  }));
export type MessageContentInput = z.infer<typeof MessageContentInput>;

/**
 * `POST /api/v1/messages`: the client is a Keyway user id of the tenant (`clientId`) or an email
 * (the user is created if new), exactly one of the two. The schedule's window (future, within a year)
 * depends on the server's clock and is checked there.
 */
export const MessageCreateRequest = z
  .strictObject(
    {
      clientId: z.optional(z.string({ error: 'must be a user id' }).check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'is not a user id'))),
      email: z.optional(UserEmail),
      agentId: AgentId,
      sender: z.enum(['agent', 'client'], { error: 'must be agent or client' }),
      source: z.string({ error: 'must be a short lower-case word such as bot or agent' }).check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a short lower-case word such as bot or agent')),
      content: MessageContentInput,
      delivery: z.optional(z.strictObject({ scheduleDateTime: z.optional(z.nullable(IsoDateTime)) }, unknownFields)),
    },
    unknownFields,
  )
  .check(z.refine((request) => (request.clientId === undefined) !== (request.email === undefined), {
    error: 'send the client as exactly one of clientId or email',
    path: ['clientId'],
    when: (payload) => payload.issues.length === 0,
  }));
export type MessageCreateRequest = z.infer<typeof MessageCreateRequest>;

/**
 * A message as seed 000 shows it. `token` is the message's UUID where the caller has it (the
 * answer to the POST that minted it, a lookup by that token); Keyway keeps only its hash, so
 * elsewhere it is null. `failureReason` appears only on a failed delivery, so a sent message
 * carries exactly the seed's keys.
 */
export const Message = z.object({
  messageId: z.string(),
  agentId: AgentId,
  sender: z.enum(['agent', 'client']),
  source: z.string(),
  clientId: z.string(),
  token: z.nullable(z.string()),
  content: z.object({
    listings: z.array(z.unknown()),
    searches: z.array(z.unknown()),
    message: z.nullable(z.string()),
    subject: z.nullable(z.string()),
    links: z.array(z.string()),
    pictures: z.array(z.string()),
  }),
  delivery: z.object({
    scheduleDateTime: z.nullable(z.iso.datetime()),
    sentDateTime: z.nullable(z.iso.datetime()),
    status: MessageDeliveryStatus,
    failureReason: z.optional(z.string()),
  }),
});
export type Message = z.infer<typeof Message>;
export type MessageContent = Message['content'];

/** `GET /api/v1/messages?token=`: seed 000's answer, empty when the token names no message of the tenant. */
export const MessageLookup = z.object({ messages: z.array(Message) });
export type MessageLookup = z.infer<typeof MessageLookup>;

/** `GET /api/v1/messages?clientId=`: the client's messages, newest first, in keyset pages. */
export const MessageList = z.object({
  messages: z.array(Message),
  /** Pass as `cursor` to get the next page; null on the last page. */
  cursor: z.nullable(z.string()),
});
export type MessageList = z.infer<typeof MessageList>;

const Uuid = z.string({ error: 'must be a UUID' }).check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID such as 550e8400-e29b-41d4-a716-446655440000'));

/** `GET /api/v1/messages`: by `token` (seed 000) or by `clientId` (pages), exactly one. */
export const MessageQuery = z
  .strictObject(
    {
      token: z.optional(Uuid),
      clientId: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'is not a user id'))),
      limit: z.optional(z.coerce.number({ error: 'must be a whole number from 1 to 100' }).check(z.int('must be a whole number from 1 to 100'), z.gte(1, 'must be at least 1'), z.lte(100, 'must be at most 100'))),
      cursor: z.optional(z.string().check(z.maxLength(200, 'is not a cursor this API returned'))),
    },
    unknownFields,
  )
  .check(z.refine((query) => (query.token === undefined) !== (query.clientId === undefined), {
    error: 'ask by exactly one of token or clientId',
    path: ['token'],
    when: (payload) => payload.issues.length === 0,
  }));
export type MessageQuery = z.infer<typeof MessageQuery>;

/**
 * Message events, POSTed to the tenant's webhook URL and signed like every webhook. `user_id` is
 * the message's client; `reason` is set on MESSAGE_FAILED; `client_id` (the OAuth client) on MESSAGE_TOKEN_USED.
 */
export const MessageWebhookEvent = z.object({
  status: z.enum(['MESSAGE_SENT', 'MESSAGE_FAILED', 'MESSAGE_TOKEN_USED']),
  event_id: z.string(),
  occurred_at: z.iso.datetime(),
  message_id: z.string(),
  user_id: z.string(),
  agent_id: AgentId,
  reason: z.optional(z.string()),
  client_id: z.optional(z.string()),
});
export type MessageWebhookEvent = z.infer<typeof MessageWebhookEvent>;
