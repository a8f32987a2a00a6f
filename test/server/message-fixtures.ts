import type { Harness } from './harness.js';
import { postJson } from './harness.js';

export interface SentMessage {
  messageId: string;
  token: string;
  status: string;
}

/** Sends a message to the user through the real messages API and answers its token, as the mail carries it. */
export async function sendMessage(h: Harness, clientId: string, extra: Record<string, unknown> = {}, apiKey = h.apiKey): Promise<SentMessage> {
  const body = { clientId, agentId: 42, sender: 'agent', source: 'bot', content: { message: 'A listing you might like.', links: ['https://homes.acme.test/listings/C9231328'] }, ...extra };
  const response = await postJson(h.app, '/api/v1/messages', body, { 'x-api-key': apiKey });
  if (response.status !== 201 && response.status !== 200) throw new Error(`POST /api/v1/messages answered ${response.status}: ${await response.text()}`);
  const message = (await response.json()) as { messageId: string; token: string; delivery: { status: string } };
  return { messageId: message.messageId, token: message.token, status: message.delivery.status };
}

/** Sets a message's delivery status as the mail worker would have. */
export async function setDeliveryStatus(h: Harness, messageId: string, status: 'scheduled' | 'queued' | 'sent' | 'failed'): Promise<void> {
  await h.store.db.updateTable('messages').set({ status }).where('id', '=', messageId).execute();
}
