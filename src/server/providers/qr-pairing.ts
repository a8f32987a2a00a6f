import type { AdapterContext, AdapterInput, AdapterOutcome, ConnectedAccount, ProviderAdapter, ProviderEntry } from './adapter.js';
import { newToken } from '../security/tokens.js';
import { texts } from '../i18n/words.js';

/** How long a QR code (and its typed code) stays valid; the engine replaces it shortly before. */
export const DEFAULT_PAIRING_TTL_MS = 20_000;

/**
 * What confirms a pairing with the real service. A production bridge (a WhatsApp or Telegram
 * client session) implements this; the demo bridge just makes up an account.
 */
export interface PairingBridge {
  paired(context: AdapterContext): Promise<ConnectedAccount>;
}

export const demoBridge: PairingBridge = {
  async paired(context) {
    return { externalId: `${context.provider.summary.id.toLowerCase()}:demo-${newToken(6)}`, secrets: { pairedAt: new Date(context.now).toISOString() } };
  },
};

/**
 * A QR code whose payload is a Keyway URL with a one-time secret: the phone that scans it opens
 * Keyway's confirm page, and confirming there completes the flow on the computer.
 */
export class QrPairingAdapter implements ProviderAdapter {
  readonly plan = ['qr'] as const;

  constructor(private readonly options: { bridge: PairingBridge; ttlMs?: number }) {}

  start(context: AdapterContext): Promise<AdapterOutcome> {
    return this.#qrStep(context);
  }

  refresh(context: AdapterContext): Promise<AdapterOutcome> {
    return this.#qrStep(context);
  }

  async submit(_context: AdapterContext, _input: AdapterInput): Promise<AdapterOutcome> {
    return { type: 'retry' };
  }

  async callback(context: AdapterContext): Promise<AdapterOutcome> {
    return { type: 'connected', account: await this.options.bridge.paired(context) };
  }

  async #qrStep(context: AdapterContext): Promise<AdapterOutcome> {
    const pairing = await context.callbacks.register({ kind: 'pairing', ttlMs: this.options.ttlMs ?? DEFAULT_PAIRING_TTL_MS, withCode: true });
    const name = context.provider.summary.name;
    return {
      type: 'step',
      step: {
        kind: 'qr',
        provider: context.provider.summary.id,
        payload: `${context.publicUrl}/pair/${pairing.token}`,
        expiresAt: new Date(pairing.expiresAt).toISOString(),
        ...(pairing.code ? { code: pairing.code } : {}),
        ...texts({ help: ['qr.help', { url: `${context.publicUrl}/pair`, provider: name }] }),
      },
      state: {},
    };
  }
}

/** WhatsApp and Telegram in demo mode: real pairing pages, a made-up account at the end. */
export function demoPairingProviders(): ProviderEntry[] {
  const adapter = new QrPairingAdapter({ bridge: demoBridge });
  return [
    { summary: { id: 'WHATSAPP', name: 'WhatsApp', method: 'qr', demo: true }, adapter },
    { summary: { id: 'TELEGRAM', name: 'Telegram', method: 'qr', demo: true }, adapter },
  ];
}
