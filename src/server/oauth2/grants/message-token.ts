import { claimMessageToken, findMessageByToken, MESSAGE_TOKEN_REFUSALS, type MessageTokenFailure } from '../../messages/message-tokens.js';
import { InvalidGrant, InvalidScope, UnauthorizedClient } from '../errors.js';
import { commitThenFail, tokenAnswer, type Grant, type GrantContext } from '../grant-common.js';
import { required } from '../parameters.js';
import { requestedScope } from './password.js';

const parameters = ['token', 'scope'] as const;

export const MESSAGE_TOKEN_GRANT = 'urn:keyway:params:oauth:grant-type:message-token';

/** Failures are counted per caller address and per OAuth client: a leaked client secret does not make tokens guessable either. */
function limitKeys(context: GrantContext<string>): string[] {
  return [`address:${context.clientAddress}`, `client:${context.client.id}`];
}

async function refuse(context: GrantContext<string>, failure: MessageTokenFailure): Promise<never> {
  for (const key of limitKeys(context)) {
    const over = await context.services.limits.count('message_signin_failures', key);
    if (over) throw over;
  }
  throw new InvalidGrant(MESSAGE_TOKEN_REFUSALS[failure], failure);
}

/**
 * Seed 000's message token, exchanged once for a session of the message's own user (issue 12 (b)).
 * Only clients registered with this grant get here; every refusal is `invalid_grant` with a finer code.
 */
export const messageTokenGrant: Grant<typeof parameters> = {
  grantType: MESSAGE_TOKEN_GRANT,
  parameters,
  async handler(context) {
    const { services, client, parameters: given, now } = context;
    // Registration refuses it too; a client made some other way still gets no session from a leaked token alone.
    if (client.isPublic) throw new UnauthorizedClient('A public client may not use the message-token grant.', 'confidential_client_required');
    const token = required(given.token, 'token');
    const scope = requestedScope(given.scope);
    if (scope instanceof InvalidScope) throw scope;
    // An address or client over its limit is refused before its guess is looked at.
    for (const key of limitKeys(context)) await services.limits.check('message_signin_failures', key);

    const found = await findMessageByToken(services.store.db, client.tenantId, token);
    if ('failure' in found) return refuse(context, found.failure);
    const issued = await commitThenFail(services.store.db, async (trx) => {
      const claimed = await claimMessageToken(trx, { message: found, clientId: client.id, now });
      if ('failure' in claimed) return claimed;
      const session = { tenantId: client.tenantId, clientId: client.id, userId: claimed.user.id, scope, authMethod: 'message_token' as const, authTime: now, authorizationCodeId: null };
      const started = await services.tokens.startSession(trx, session, { withRefreshToken: client.grantTypes.includes('refresh_token'), now });
      return { ...started, user: claimed.user, eventQueued: claimed.eventQueued };
    });
    if ('failure' in issued) return refuse(context, issued.failure);
    if (issued.eventQueued) services.onWebhookQueued?.();
    return tokenAnswer(services.tokens, { family: issued.family, user: issued.user, scope, refreshToken: issued.refreshToken, nonce: null, withUserData: true, now });
  },
};
