import type { Kysely, Transaction } from 'kysely';
import { newId, newToken, sha256 } from '../security/tokens.js';
import type { AuthorizationCodeTable, Database, SignInMethod } from '../store/schema.js';

/** A code is exchanged by the app's backend right after the redirect; it need not live longer. */
export const AUTHORIZATION_CODE_TTL_MS = 60_000;

export interface AuthorizationCodeRequest {
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: AuthorizationCodeTable['code_challenge_method'];
  authMethod: SignInMethod;
  authTime: number;
  /** The sign-in passed MFA. */
  mfaValidated?: boolean;
  now: number;
}

/** Issues a single-use code (256 bits, stored only as its SHA-256) for the token endpoint to exchange. */
export async function issueAuthorizationCode(trx: Transaction<Database> | Kysely<Database>, request: AuthorizationCodeRequest): Promise<string> {
  const code = newToken();
  await trx
    .insertInto('authorization_codes')
    .values({
      id: newId(),
      tenant_id: request.tenantId,
      client_id: request.clientId,
      user_id: request.userId,
      code_hash: sha256(code),
      redirect_uri: request.redirectUri,
      scope: request.scope,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: request.codeChallengeMethod,
      auth_method: request.authMethod,
      auth_time: request.authTime,
      mfa_validated: request.mfaValidated ? 1 : 0,
      expires_at: request.now + AUTHORIZATION_CODE_TTL_MS,
      used_at: null,
      created_at: request.now,
    })
    .execute();
  return code;
}

export function findAuthorizationCode(trx: Transaction<Database> | Kysely<Database>, code: string): Promise<AuthorizationCodeTable | undefined> {
  return trx.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256(code)).executeTakeFirst();
}

/** Claims the code for this exchange; `false` when another exchange claimed it first (a replay). */
export async function consumeAuthorizationCode(trx: Transaction<Database> | Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await trx.updateTable('authorization_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
