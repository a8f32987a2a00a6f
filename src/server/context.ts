import type { FlowEngine } from './flows/engine.js';
import type { PasswordSignIn } from './identity/password-sign-in.js';
import type { DemoInbox } from './messages/mail-transport.js';
import type { KeywayMetrics } from './metrics/metrics.js';
import type { SignedIn, TokenService } from './oauth2/tokens.js';
import type { ProviderCatalogue } from './providers/catalogue.js';
import type { ClientAddressOf } from './security/client-address.js';
import type { RateLimits } from './security/rate-limits.js';
import type { Sealer } from './security/sealer.js';
import type { Store } from './store/database.js';

/** What routes need, built once by `createApp`'s caller. */
export interface Services {
  store: Store;
  sealer: Sealer;
  catalogue: ProviderCatalogue;
  engine: FlowEngine;
  publicUrl: string;
  clock: () => number;
  /** The operator allows notify_url on loopback and private addresses (Config.allowPrivateWebhooks). */
  allowPrivateWebhooks: boolean;
  /** Where the built wizard lives (`dist/widget`). */
  widgetDir: string;
  /** Aborted when the server shuts down, so long-lived responses (event streams) end. */
  shutdown: AbortSignal;
  limits: RateLimits;
  /** The client address limits are keyed by (the socket's peer, or what trusted proxies say). */
  clientAddress: ClientAddressOf;
  /** Signs, checks and rotates the tokens of sign-in sessions (OAuth 2.0 / OpenID Connect). */
  tokens: TokenService;
  /** Users' passwords: the check at sign-in with its lockout, and setting one. */
  passwords: PasswordSignIn;
  /** Call after committing a queued mail (enqueueMail) to send it now rather than at the next poll; unset where no mail worker runs. */
  onMailQueued?: () => void;
  /** Called after a commit that queued a webhook, so it goes out at once. */
  onWebhookQueued?: () => void;
  /** Demo mode without SMTP: the mail Keyway sent, for the demo page. */
  demoInbox?: DemoInbox;
  /** Set when metrics are on (`KEYWAY_METRICS=1` or a token): `GET /metrics`, with the token when there is one. */
  metrics?: { collector: KeywayMetrics; token?: string };
}

export type AppEnv = {
  Variables: {
    tenantId: string;
    flowToken: string;
    /** Set by the access-token middleware: the token's claims, its session and its (active) user. */
    accessToken: SignedIn;
  };
};
