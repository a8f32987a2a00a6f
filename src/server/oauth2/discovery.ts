import { CLIENT_AUTH_METHODS } from './client-auth.js';
import { GRANTS } from './grants/index.js';
import { SIGNING_ALG } from './signing-keys.js';

/** What the scopes give: `openid` an ID token and the userinfo endpoint, `profile` the names, `email` the address. */
export const SCOPES = ['openid', 'profile', 'email'] as const;

/** Paths of the OAuth endpoints; discovery turns them into URLs under the issuer. */
export const OAUTH2_PATHS = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userinfo',
  introspection: '/oauth2/introspect',
  revocation: '/oauth2/revoke',
  jwks: '/.well-known/jwks.json',
  discovery: '/.well-known/openid-configuration',
} as const;

const CONFIDENTIAL_AUTH_METHODS = CLIENT_AUTH_METHODS.filter((method) => method !== 'none');

/** `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, RFC 8414). */
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  const url = (path: string) => `${issuer}${path}`;
  return {
    issuer,
    authorization_endpoint: url(OAUTH2_PATHS.authorization),
    token_endpoint: url(OAUTH2_PATHS.token),
    userinfo_endpoint: url(OAUTH2_PATHS.userinfo),
    jwks_uri: url(OAUTH2_PATHS.jwks),
    introspection_endpoint: url(OAUTH2_PATHS.introspection),
    revocation_endpoint: url(OAUTH2_PATHS.revocation),
    scopes_supported: SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANTS.keys()],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: CONFIDENTIAL_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'updated_at'],
    authorization_response_iss_parameter_supported: true,
  };
}
