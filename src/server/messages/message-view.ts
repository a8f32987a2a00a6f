import type { AgentId, Message, MessageContent } from '../../protocol/index.js';
import type { MessageTable } from '../store/schema.js';

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

/** `content` as stored: the seed's object with every list present (older or partial rows read as empty lists). */
export function storedContent(row: Pick<MessageTable, 'content'>): MessageContent {
  const stored = JSON.parse(row.content) as Partial<MessageContent>;
  return {
    listings: stored.listings ?? [],
    searches: stored.searches ?? [],
    message: stored.message ?? null,
    subject: stored.subject ?? null,
    links: stored.links ?? [],
    pictures: stored.pictures ?? [],
  };
}

/**
 * A stored message as seed 000 shows it. `token` is the message's UUID when the caller has it (it
 * minted it, or was asked by it); Keyway keeps only its hash, so otherwise it is null. The content's
 * links are the host's own, without the token that only the mail carries. With `now`, a scheduled
 * message past its time shows as queued.
 */
export function messageView(row: MessageTable, token: string | null, now?: number): Message {
  // A scheduled message whose time has come waits for the mail worker like any queued one.
  const due = row.status === 'scheduled' && now !== undefined && row.schedule_at !== null && row.schedule_at <= now;
  const delivery: Message['delivery'] = {
    scheduleDateTime: isoOrNull(row.schedule_at),
    sentDateTime: isoOrNull(row.sent_at),
    status: due ? 'queued' : row.status,
  };
  if (row.status === 'failed' && row.failure_reason !== null) delivery.failureReason = row.failure_reason;
  return {
    messageId: row.id,
    agentId: JSON.parse(row.agent_id) as AgentId,
    sender: row.sender as Message['sender'],
    source: row.source,
    clientId: row.user_id,
    token,
    content: storedContent(row),
    delivery,
  };
}
