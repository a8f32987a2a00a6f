import type { Kysely, Transaction } from 'kysely';
import type { Services } from '../context.js';
import { mfaStateOf } from '../identity/mfa.js';
import { seedUserData, type SeedUserData } from '../identity/users.js';
import type { Database, SignInMethod, TokenFamilyTable, UserTable } from '../store/schema.js';
import type { AuthenticatedClient } from './client-auth.js';
import { OAuthError } from './errors.js';
import type { TokenService } from './tokens.js';
import { scopesOf } from './tokens.js';

/** What a grant module gets: its own parameters only (the token endpoint dropped the rest). */
export interface GrantContext<Parameter extends string> {
  services: Pick<Services, 'store' | 'tokens' | 'sealer' | 'onWebhookQueued' | 'passwords' | 'limits'>;
  client: AuthenticatedClient;
  parameters: Partial<Record<Parameter, string>>;
  now: number;
  /** The caller's address, as the rate limits key it (the password grant counts failures per address). */
  clientAddress: string;
}

/** One module per grant, as node-oidc-provider's `lib/actions/grants/*`: its type, its parameters, its handler. */
export interface Grant<Parameters extends readonly string[] = readonly string[]> {
  grantType: string;
  parameters: Parameters;
  handler(context: GrantContext<Parameters[number]>): Promise<TokenAnswer>;
}

/** Seed 001's answer plus OpenID Connect's `id_token` and RFC 6749's `scope`. */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  id_token?: string;
  code: 'OK';
  data?: SeedUserData;
}

/**
 * Runs `work` in one transaction. When it returns an OAuth error instead of a result, what it
 * wrote (a revoked family after a replayed code or refresh token) is committed first and the
 * error thrown after: the request fails, the revocation stays.
 */
export async function commitThenFail<Outcome>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<Outcome>): Promise<Exclude<Outcome, OAuthError>> {
  const outcome = await db.transaction().execute(work);
  if (outcome instanceof OAuthError) throw outcome;
  return outcome as Exclude<Outcome, OAuthError>;
}

/**
 * A single-use grant source (a code) is consumed at most once: `consume` claims it with a guarded
 * update; when something else claimed it first, `revoke` withdraws what that use issued and the
 * `replayed` error is returned for `commitThenFail` to throw after the commit.
 */
export async function consumeOrRevoke(steps: { consume: () => Promise<boolean>; revoke: () => Promise<void>; replayed: OAuthError }): Promise<OAuthError | undefined> {
  if (await steps.consume()) return undefined;
  await steps.revoke();
  return steps.replayed;
}

/** How a sign-in proved the address: a code or link sent to it does; a password or a host-minted token does not. */
const EMAIL_PROVING: readonly SignInMethod[] = ['email_code', 'email_link', 'message_token'];

export function emailConfirmedBy(method: SignInMethod): boolean {
  return EMAIL_PROVING.includes(method);
}

export function hasScope(scope: string, wanted: string): boolean {
  return scopesOf(scope).includes(wanted);
}

/** The token answer: access token always, refresh token when one was issued, ID token for `openid`. */
export async function tokenAnswer(
  tokens: TokenService,
  issued: { family: TokenFamilyTable; user: UserTable; scope: string; refreshToken: string | undefined; nonce: string | null; withUserData: boolean; now: number },
): Promise<TokenAnswer> {
  const access = await tokens.accessToken(issued.family, issued.scope, mfaStateOf(issued.user, issued.family), issued.now);
  const answer: TokenAnswer = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: issued.scope, code: 'OK' };
  if (issued.refreshToken !== undefined) answer.refresh_token = issued.refreshToken;
  if (hasScope(issued.scope, 'openid')) answer.id_token = await tokens.idToken(issued.family, { nonce: issued.nonce, accessToken: access.token, now: issued.now });
  if (issued.withUserData) answer.data = seedUserData(issued.user, { emailConfirmed: emailConfirmedBy(issued.family.auth_method) });
  return answer;
}
