import type { Grant } from '../grant-common.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { messageTokenGrant } from './message-token.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

/**
 * The grants the token endpoint dispatches to, by `grant_type`. Each is one module; adding one
 * is an entry here, and discovery lists it on its own.
 */
export const GRANTS: ReadonlyMap<string, Grant> = new Map<string, Grant>([authorizationCodeGrant, refreshTokenGrant, passwordGrant, messageTokenGrant].map((grant) => [grant.grantType, grant as Grant]));
