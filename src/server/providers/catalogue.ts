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

export function buildCatalogue(options: { demo: boolean }): ProviderCatalogue {
  return new ProviderCatalogue(options.demo ? [demoProvider(), ...demoPairingProviders()] : []);
}
