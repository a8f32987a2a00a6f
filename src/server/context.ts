import type { FlowEngine } from './flows/engine.js';
import type { ProviderCatalogue } from './providers/catalogue.js';
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
}

export type AppEnv = {
  Variables: {
    tenantId: string;
    flowToken: string;
  };
};
