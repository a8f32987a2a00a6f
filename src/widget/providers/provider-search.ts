import type { ProviderSummary } from '../../protocol/index.js';
import { tServer } from '../i18n/localize.js';

/** The search box appears only when the list is long enough to need it. */
export const SEARCH_THRESHOLD = 6;

/** Lower case without accents, so "gmail" finds "Gmail" and "tele" finds "Télé". */
function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** The name the list shows: in the user's language when Keyway wrote it, else as the operator wrote it. */
export function shownName(provider: ProviderSummary): string {
  return tServer(provider.name, provider.i18n?.name);
}

/** Providers whose name (as shown, or in English) or id contains every word of the query. */
export function filterProviders(providers: readonly ProviderSummary[], query: string): ProviderSummary[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...providers];
  return providers.filter((provider) => {
    const haystack = fold(`${shownName(provider)} ${provider.name} ${provider.id}`);
    return words.every((word) => haystack.includes(word));
  });
}

/** The index a navigation key moves to in a list of `count` items (wrapping), or undefined for other keys. */
export function nextIndex(key: string, current: number, count: number, rtl: boolean): number | undefined {
  if (count === 0) return undefined;
  const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
  const backward = rtl ? 'ArrowRight' : 'ArrowLeft';
  if (key === 'ArrowDown' || key === forward) return (current + 1) % count;
  if (key === 'ArrowUp' || key === backward) return (current - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return undefined;
}
