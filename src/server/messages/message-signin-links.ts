import type { Kysely } from 'kysely';
import type { FailureCode } from '../../protocol/index.js';
import { linkServedHere } from '../brands.js';
import { clientGrantTypes, defaultClient, findClient, resolveRedirectUri } from '../identity/clients.js';
import { createSignInLink } from '../identity/signin-links.js';
import { sha256 } from '../security/tokens.js';
import type { Database } from '../store/schema.js';
import { checkMessageToken, claimMessageToken, MESSAGE_TOKEN_REFUSALS, messageTokenHash, type MessageTokenFailure } from './message-tokens.js';

export type MessageLinkFailure = MessageTokenFailure | 'client_required';

export const MESSAGE_LINK_REFUSALS: Record<MessageLinkFailure, string> = {
  ...MESSAGE_TOKEN_REFUSALS,
  client_required: 'This sign-in names no OAuth client of the app that may sign users in with a code, at one of its registered redirect URIs (client_id and redirect_uri choose among several).',
};

/**
 * The sign-in link a message's token opens, derived from the token: whoever holds the token can
 * reopen the same link (a second GET draws the same flow, it does not make a new one), and the
 * stored digests of the two never match each other.
 */
function linkTokenOf(messageToken: string): string {
  return sha256(`keyway:message-signin:${messageToken.toLowerCase()}`);
}

/**
 * For `GET /login/?message_token=`: the link whose wizard shows the confirm step, made on the first
 * opening. Nothing is used up: the token is claimed by the user's confirmation. The message is the
 * one its tenant sent, on Keyway's domain or the tenant's own, never another tenant's. The app's
 * OAuth client is the one `clientId` names (one of the message's tenant), or its only one; the
 * first opening fixes it, as the link it makes is reopened from then on.
 */
export async function openMessageSignIn(
  db: Kysely<Database>,
  options: { token: string; host: string | undefined; publicUrl: string; now: number; clientId?: string | undefined; redirectUri?: string | undefined },
): Promise<{ linkToken: string } | { failure: MessageLinkFailure }> {
  const { token, now } = options;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) return { failure: 'token_malformed' };
  const message = await db.selectFrom('messages').selectAll().where('token_hash', '=', messageTokenHash(token)).executeTakeFirst();
  if (!message || !(await linkServedHere(db, options.host, options.publicUrl, message.tenant_id))) return { failure: 'token_unknown' };
  const checked = await checkMessageToken(db, message, now);
  if ('failure' in checked) return checked;
  const linkToken = linkTokenOf(token);
  const existing = await db.selectFrom('message_signins').select('link_id').where('message_id', '=', message.id).executeTakeFirst();
  if (existing) return { linkToken };

  const client = options.clientId === undefined ? await defaultClient(db, message.tenant_id) : await findClient(db, message.tenant_id, options.clientId);
  const resolved = client ? resolveRedirectUri(client, options.redirectUri) : undefined;
  if (!client || !resolved || !('uri' in resolved) || !clientGrantTypes(client).includes('authorization_code')) return { failure: 'client_required' };
  const request = {
    client_id: client.id,
    redirect_uri: resolved.uri,
    scope: 'openid',
    state: null,
    nonce: null,
    code_challenge: null,
    code_challenge_method: null,
    user_id: message.user_id,
    login_hint: null,
    method: 'message_token' as const,
    parent_link_id: null,
  };
  try {
    await db.transaction().execute(async (trx) => {
      const { linkId } = await createSignInLink(trx, { tenantId: message.tenant_id, publicUrl: options.publicUrl, now, expiresAt: Number(message.token_expires_at), request, token: linkToken });
      await trx.insertInto('message_signins').values({ link_id: linkId, message_id: message.id }).execute();
    });
  } catch (error) {
    // Opened twice at once: the other opening made the link.
    if (!(await db.selectFrom('message_signins').select('link_id').where('message_id', '=', message.id).executeTakeFirst())) throw error;
  }
  return { linkToken };
}

/** What the wizard's failure step says for a token refused at the confirmation. */
function failureCodeOf(failure: MessageTokenFailure): FailureCode {
  if (failure === 'token_used') return 'link_used';
  if (failure === 'token_expired') return 'link_expired';
  if (failure === 'user_inactive') return 'user_inactive';
  return 'access_denied';
}

/**
 * The user confirmed a message's sign-in link: its token is claimed now (once, MESSAGE_TOKEN_USED
 * queued with it), and the flow goes on to MFA or the code. Undefined for links of no message.
 */
export async function claimTokenOfLink(
  db: Kysely<Database>,
  options: { linkId: string; clientId: string; now: number },
): Promise<{ userId: string; eventQueued: boolean } | { failure: FailureCode } | undefined> {
  const binding = await db.selectFrom('message_signins').select('message_id').where('link_id', '=', options.linkId).executeTakeFirst();
  if (!binding) return undefined;
  return db.transaction().execute(async (trx) => {
    const message = await trx.selectFrom('messages').selectAll().where('id', '=', binding.message_id).executeTakeFirstOrThrow();
    const claimed = await claimMessageToken(trx, { message, clientId: options.clientId, now: options.now });
    if ('failure' in claimed) return { failure: failureCodeOf(claimed.failure) };
    return { userId: claimed.user.id, eventQueued: claimed.eventQueued };
  });
}
