/**
 * A short-lived cache of rows that are read on every request and rarely change (API keys, brands).
 * One per database handle, so test stores and instances never see each other's rows. A change made
 * through this instance calls `forget` and shows at once; one made elsewhere (another instance,
 * the CLI) shows within `ttlMs`, the bound this cache states for revocation.
 */
export interface LookupCache<K, V> {
  /** The cached value for `key`, or what `load` returns (cached unless undefined: misses are not remembered). */
  get(owner: object, key: K, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /** Drops every entry of `owner`; a load already under way when this is called is not cached. */
  forget(owner: object): void;
}

/** Enough for the busiest tenants' keys and brands; beyond it the oldest entries go. */
const MAX_ENTRIES = 10_000;

export function lookupCache<K, V>(ttlMs: number, now: () => number = Date.now): LookupCache<K, V> {
  const owners = new WeakMap<object, { generation: number; entries: Map<K, { value: V; until: number }> }>();
  const of = (owner: object) => {
    let state = owners.get(owner);
    if (!state) owners.set(owner, (state = { generation: 0, entries: new Map() }));
    return state;
  };
  return {
    async get(owner, key, load) {
      const state = of(owner);
      const hit = state.entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      const generation = state.generation;
      const value = await load();
      if (value === undefined) {
        state.entries.delete(key);
      } else if (state.generation === generation) {
        if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value as K);
        state.entries.set(key, { value, until: now() + ttlMs });
      }
      return value;
    },
    forget(owner) {
      const state = of(owner);
      state.generation += 1;
      state.entries.clear();
    },
  };
}
