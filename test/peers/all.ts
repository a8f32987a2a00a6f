import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dovecotAvailable, startDovecot, type DovecotPeer } from './dovecot.js';
import { startOidcPeer, type OidcPeer } from './oidc-provider.js';
import { startPasswordGrantPeer, type PasswordGrantPeer } from './password-grant-api.js';

export interface Peers {
  oidc: OidcPeer;
  passwordApi: PasswordGrantPeer;
  /** Absent where Dovecot is not installed. */
  dovecot: DovecotPeer | undefined;
  /** The provider file naming them: OIDC (oauth2), RECHAT (password-grant), IMAP. */
  providersFile: string;
  close(): Promise<void>;
}

/**
 * Starts every real peer the adapters talk to and writes a provider file for Keyway in `dataDir`.
 * `publicUrl` is Keyway's, which the OpenID provider needs for its redirect URI.
 */
export async function startPeers(options: { dataDir: string; publicUrl: string; autoApproveOAuth: boolean }): Promise<Peers> {
  const oidc = await startOidcPeer({ redirectUri: `${options.publicUrl}/oauth/callback`, autoApprove: options.autoApproveOAuth });
  const passwordApi = await startPasswordGrantPeer();
  const dovecot = dovecotAvailable() ? await startDovecot() : undefined;
  if (dovecot) writeFileSync(join(options.dataDir, 'imap-ca.pem'), dovecot.ca);
  const providersFile = join(options.dataDir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [
        { id: 'OIDC', adapter: 'oauth2', name: 'Test OpenID', issuer: oidc.issuer, scopes: ['openid', 'email'], clientId: 'keyway', clientSecret: 'keyway-secret', allowHttp: true },
        { id: 'RECHAT', adapter: 'password-grant', name: 'Rechat', tokenUrl: `${passwordApi.url}/oauth2/token`, apiUrl: passwordApi.url, clientId: passwordApi.clientId, clientSecret: passwordApi.clientSecret },
        ...(dovecot ? [{ id: 'IMAP', adapter: 'imap', allowPrivateHosts: true, caFile: join(options.dataDir, 'imap-ca.pem') }] : []),
      ],
    }),
  );
  return {
    oidc,
    passwordApi,
    dovecot,
    providersFile,
    close: async () => {
      await Promise.all([oidc.close(), passwordApi.close(), dovecot?.stop()]);
    },
  };
}
