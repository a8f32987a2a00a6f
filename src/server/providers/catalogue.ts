import type { ProviderEntry } from './adapter.js';
import { demoProvider } from './demo.js';
import { demoPairingProviders } from './qr-pairing.js';

/** The providers this instance offers. Providers without configuration are simply absent. */
export class ProviderCatalogue {
  readonly #entries = new Map<string, ProviderEntry>();

  constructor(entries: ProviderEntry[]) {
    for (const entry of entries) this.#entries.set(entry.summary.id, entry);
  }

  get(id: string): ProviderEntry | undefined {
    return this.#entries.get(id);
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** The entries a link allows, in catalogue order. */
  allowed(filter: '*' | string[]): ProviderEntry[] {
    const all = [...this.#entries.values()];
    return filter === '*' ? all : all.filter((entry) => filter.includes(entry.summary.id));
  }
}

/** Configured providers, plus the demo ones in demo mode (a configured id wins over a demo one). */
export function buildCatalogue(options: { demo: boolean; configured?: ProviderEntry[] }): ProviderCatalogue {
  const configured = options.configured ?? [];
  const demo = options.demo ? [demoProvider(), ...demoPairingProviders()].filter((entry) => !configured.some((c) => c.summary.id === entry.summary.id)) : [];
  return new ProviderCatalogue([...configured, ...demo]);
}
