import type { Context } from 'hono';
import type { OAuthGrantType } from '../../protocol/index.js';
import type { Services } from '../context.js';
import { authenticateClient, clientGrantTypes, clientRedirectUris, isPublicClient } from '../identity/clients.js';
import type { OAuthClientTable } from '../store/schema.js';
import { InvalidClient, InvalidRequest } from './errors.js';
import type { OAuthParameters } from './parameters.js';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

export interface AuthenticatedClient {
  id: string;
  tenantId: string;
  /** No secret: it proved nothing but its id, so codes it exchanges must carry PKCE. */
  isPublic: boolean;
  grantTypes: OAuthGrantType[];
  redirectUris: string[];
  method: ClientAuthMethod;
}

interface Credentials {
  clientId: string;
  clientSecret: string | undefined;
  method: ClientAuthMethod;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function basicCredentials(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=_-]+)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Which credentials the request carries; using two methods at once is refused (RFC 6749 §2.3). */
function credentialsOf(c: Context, parameters: OAuthParameters): Credentials | 'malformed_basic' | undefined {
  const header = c.req.header('authorization');
  const bodyId = parameters['client_id'];
  const bodySecret = parameters['client_secret'];
  if (header !== undefined && /^basic\b/i.test(header.trim())) {
    const basic = basicCredentials(header);
    if (!basic) return 'malformed_basic';
    if (bodySecret !== undefined) throw new InvalidRequest('Authenticate the client one way only: the Authorization header or client_secret, not both.', 'multiple_client_authentications');
    if (bodyId !== undefined && bodyId !== basic.clientId) throw new InvalidRequest('client_id differs from the client in the Authorization header.', 'client_id_mismatch');
    return { ...basic, method: 'client_secret_basic' };
  }
  if (bodyId === undefined) return undefined;
  return { clientId: bodyId, clientSecret: bodySecret, method: bodySecret === undefined ? 'none' : 'client_secret_post' };
}

function view(row: OAuthClientTable, method: ClientAuthMethod): AuthenticatedClient {
  return { id: row.id, tenantId: row.tenant_id, isPublic: isPublicClient(row), grantTypes: clientGrantTypes(row), redirectUris: clientRedirectUris(row), method };
}

/**
 * Authenticates the client of a token, introspection or revocation request. Failures count against
 * the caller's address (`client_auth_failures`); secrets are 256-bit, so a right one is never held
 * up, and only the failure that goes over the limit answers 429 instead of 401.
 */
export async function authenticateOAuthClient(
  c: Context,
  services: Pick<Services, 'store' | 'limits' | 'clientAddress'>,
  parameters: OAuthParameters,
  options: { allowPublic: boolean },
): Promise<AuthenticatedClient> {
  const credentials = credentialsOf(c, parameters);
  const fail = async (description: string, code: string): Promise<never> => {
    const basic = credentials === 'malformed_basic' || credentials?.method === 'client_secret_basic';
    const over = await services.limits.count('client_auth_failures', services.clientAddress(c));
    if (over) throw new InvalidClient(over.message, 'rate_limited', { status: 429, ...(over.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: over.retryAfterSeconds }) });
    throw new InvalidClient(description, code, { basic });
  };
  if (credentials === undefined) return fail('Authenticate the client: client_id and client_secret, or HTTP Basic.', 'client_authentication_required');
  if (credentials === 'malformed_basic') return fail('The Authorization header is not valid HTTP Basic credentials.', 'invalid_client_credentials');
  const row = await authenticateClient(services.store.db, { clientId: credentials.clientId, clientSecret: credentials.clientSecret });
  if (!row) return fail('The client is unknown, revoked, or its secret is wrong.', 'invalid_client_credentials');
  if (isPublicClient(row) && !options.allowPublic) return fail('This endpoint is for confidential clients: send the client secret.', 'confidential_client_required');
  return view(row, credentials.method);
}
