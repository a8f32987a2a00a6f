import { emailConfirmedBy } from './grant-common.js';
import { scopesOf, type SignedIn } from './tokens.js';

export interface UserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  updated_at?: number;
}

/** OpenID Connect's standard claims, as many as the access token's scopes allow (OIDC Core §5.4). */
export function userInfo({ claims, family, user }: SignedIn): UserInfo {
  const scopes = new Set(scopesOf(claims.scope));
  const info: UserInfo = { sub: user.id };
  if (scopes.has('profile')) {
    Object.assign(info, { name: `${user.first_name} ${user.last_name}`.trim(), given_name: user.first_name, family_name: user.last_name, updated_at: Math.floor(user.updated_at / 1000) });
  }
  // Keyway records no lasting proof of an address: verified means this session's sign-in went through it.
  if (scopes.has('email')) Object.assign(info, { email: user.email, email_verified: emailConfirmedBy(family.auth_method) });
  return info;
}
