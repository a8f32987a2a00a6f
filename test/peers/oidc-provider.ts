import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface OidcPeer {
  issuer: string;
  provider: Provider;
  close(): Promise<void>;
}

/**
 * A real OpenID provider on loopback (`oidc-provider`). With `autoApprove`, a small interaction
 * handler signs in `alice` and grants the scopes, so a test can run the code flow without a
 * browser; without it, the provider's own login and consent pages are used (end-to-end tests).
 */
export async function startOidcPeer(options: { redirectUri: string; clientId?: string; clientSecret?: string; autoApprove?: boolean }): Promise<OidcPeer> {
  let server: Server | undefined;
  server = createServer();
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId ?? 'keyway',
        client_secret: options.clientSecret ?? 'keyway-secret',
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email', 'offline_access'],
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@example.test`, email_verified: true }) }),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: !options.autoApprove } },
    cookies: { keys: ['keyway-test-cookie-key'] },
    // Scope claims (email) in the ID token itself, as Google and Microsoft send them.
    conformIdTokenClaims: false,
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 86400 },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  const oidc = provider.callback();
  server.on('request', async (request, response) => {
    if (options.autoApprove && request.url?.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(request, response);
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: 'alice', clientId: String(details.params['client_id']) });
      if (!grant) throw new Error('grant vanished');
      grant.addOIDCScope(String(details.params['scope']));
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, { login: { accountId: 'alice' }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    oidc(request, response);
  });
  return {
    issuer,
    provider,
    close: () => new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server?.close(() => resolve());
      server = undefined;
    }),
  };
}
