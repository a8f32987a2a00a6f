/**
 * Where each well-known provider's OAuth endpoints are and what to ask for. Client id and
 * secret come from the operator's provider file. `issuer` means OpenID Connect discovery.
 */
export interface OAuthEndpoints {
  name: string;
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  scopes: string[];
  /** Extra authorization parameters, e.g. to get a refresh token. */
  authorizationParams?: Record<string, string>;
  /** How the client authenticates at the token endpoint. */
  tokenAuth?: 'client_secret_basic' | 'client_secret_post';
}

export const OAUTH_PRESETS = {
  google: {
    name: 'Google',
    issuer: 'https://accounts.google.com',
    scopes: ['openid', 'email', 'profile'],
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
  },
  microsoft: {
    name: 'Microsoft',
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scopes: ['offline_access', 'User.Read', 'Mail.Read'],
    tokenAuth: 'client_secret_post',
  },
  linkedin: {
    name: 'LinkedIn',
    issuer: 'https://www.linkedin.com/oauth',
    scopes: ['openid', 'profile', 'email'],
    tokenAuth: 'client_secret_post',
  },
  x: {
    name: 'X',
    authorizationEndpoint: 'https://x.com/i/oauth2/authorize',
    tokenEndpoint: 'https://api.x.com/2/oauth2/token',
    scopes: ['tweet.read', 'users.read', 'offline.access'],
  },
  instagram: {
    name: 'Instagram',
    authorizationEndpoint: 'https://www.instagram.com/oauth/authorize',
    tokenEndpoint: 'https://api.instagram.com/oauth/access_token',
    scopes: ['instagram_business_basic', 'instagram_business_manage_messages'],
    tokenAuth: 'client_secret_post',
  },
  messenger: {
    name: 'Messenger',
    authorizationEndpoint: 'https://www.facebook.com/v21.0/dialog/oauth',
    tokenEndpoint: 'https://graph.facebook.com/v21.0/oauth/access_token',
    scopes: ['pages_show_list', 'pages_messaging'],
    tokenAuth: 'client_secret_post',
  },
} satisfies Record<string, OAuthEndpoints>;

export type OAuthPresetName = keyof typeof OAUTH_PRESETS;
