import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Sealer } from '../security/sealer.js';
import type { Database, SigningKeyTable } from '../store/schema.js';
import { DEFAULT_TOKEN_LIFETIMES, longestSignedLifetimeMs, type TokenLifetimes } from './lifetimes.js';

export const SIGNING_ALG = 'ES256';

/**
 * How long an instance trusts its copy of the key table. A rotation made elsewhere (another
 * instance, the CLI) reaches it within this time; until then it keeps signing with the old key.
 */
export const KEY_CACHE_MS = 30_000;
/** A token naming a kid this instance does not know makes it look again, but not more often than this. */
const UNKNOWN_KID_RELOAD_MS = 1000;

export interface PublishedKey extends JWK {
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
}

interface CachedKey {
  row: SigningKeyTable;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
}

function isPublished(row: SigningKeyTable, now: number): boolean {
  return row.retired_at === null || (row.unpublish_at !== null && row.unpublish_at > now);
}

/** The key that signs: the newest one not retired (two instances creating one at once leave two; both verify). */
function currentOf(keys: CachedKey[]): CachedKey | undefined {
  return keys
    .filter((key) => key.row.retired_at === null)
    .sort((a, b) => b.row.created_at - a.row.created_at || (a.row.kid < b.row.kid ? -1 : 1))[0];
}

async function newKeyRow(sealer: Sealer, now: number): Promise<SigningKeyTable> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    sealed_private_jwk: sealer.sealJson(await exportJWK(privateKey)),
    created_at: now,
    retired_at: null,
    unpublish_at: null,
  };
}

export interface RotationResult {
  kid: string;
  retired: { kid: string; unpublishAt: number }[];
}

/**
 * Retires every signing key and makes a new one. A retired key stays in the JWKS (and keeps
 * verifying) until the last token it could have signed has expired: its lifetime, plus the
 * time other instances may go on using their cached copy.
 */
export async function rotateSigningKey(db: Kysely<Database>, sealer: Sealer, now: number, lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES): Promise<RotationResult> {
  const row = await newKeyRow(sealer, now);
  const unpublishAt = now + longestSignedLifetimeMs(lifetimes) + KEY_CACHE_MS;
  return db.transaction().execute(async (trx) => {
    const retired = await trx.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute();
    await trx.updateTable('signing_keys').set({ retired_at: now, unpublish_at: unpublishAt }).where('retired_at', 'is', null).execute();
    await trx.insertInto('signing_keys').values(row).execute();
    return { kid: row.kid, retired: retired.map(({ kid }) => ({ kid, unpublishAt })) };
  });
}

/** Keyway's signing keys, read from the database and kept briefly in memory; one per running Keyway. */
export class SigningKeys {
  #cache: { loadedAt: number; keys: CachedKey[] } | undefined;
  #loading: Promise<CachedKey[]> | undefined;
  #creating: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sealer: Sealer,
    private readonly clock: () => number,
  ) {}

  /** The key to sign with now; the first call on an empty database creates one. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    let current = currentOf(await this.#keys());
    if (!current) {
      this.#creating ??= this.#createFirst().finally(() => (this.#creating = undefined));
      await this.#creating;
      current = currentOf(await this.#keys({ reload: true }));
      if (!current) throw new Error('no signing key after creating one');
    }
    current.privateKey ??= (await importJWK(this.sealer.openJson<JWK>(current.row.sealed_private_jwk), SIGNING_ALG)) as CryptoKey;
    return { kid: current.row.kid, key: current.privateKey };
  }

  /** The public key for `kid` if it is still published; unknown kids make it look in the database again. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (!kid) return undefined;
    const now = this.clock();
    let found = (await this.#keys()).find((key) => key.row.kid === kid);
    if (!found && this.#cache && now - this.#cache.loadedAt >= UNKNOWN_KID_RELOAD_MS) found = (await this.#keys({ reload: true })).find((key) => key.row.kid === kid);
    return found && isPublished(found.row, now) ? found.publicKey : undefined;
  }

  /** `/.well-known/jwks.json`: the current key and retired ones whose tokens may still be in use. */
  async jwks(): Promise<{ keys: PublishedKey[] }> {
    const now = this.clock();
    const keys = (await this.#keys()).filter((key) => isPublished(key.row, now));
    return { keys: keys.map((key) => ({ ...(JSON.parse(key.row.public_jwk) as JWK), kid: key.row.kid, alg: SIGNING_ALG, use: 'sig' })) };
  }

  /** After a rotation made by this process: no waiting for the cache to lapse. */
  forget(): void {
    this.#cache = undefined;
  }

  async #keys(options: { reload?: boolean } = {}): Promise<CachedKey[]> {
    const now = this.clock();
    if (!options.reload && this.#cache && now - this.#cache.loadedAt < KEY_CACHE_MS && now >= this.#cache.loadedAt) return this.#cache.keys;
    this.#loading ??= this.#load(now).finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(now: number): Promise<CachedKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where((eb) => eb.or([eb('retired_at', 'is', null), eb('unpublish_at', '>', now)])).execute();
    const previous = new Map(this.#cache?.keys.map((key) => [key.row.kid, key]));
    const keys = await Promise.all(
      rows.map(async (row): Promise<CachedKey> => {
        const known = previous.get(row.kid);
        if (known) return { ...known, row };
        return { row, publicKey: (await importJWK(JSON.parse(row.public_jwk) as JWK, SIGNING_ALG)) as CryptoKey };
      }),
    );
    this.#cache = { loadedAt: now, keys };
    return keys;
  }

  async #createFirst(): Promise<void> {
    const row = await newKeyRow(this.sealer, this.clock());
    // Another instance may have made one meanwhile; then this one is simply a second current key.
    const existing = await this.db.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst();
    if (!existing) await this.db.insertInto('signing_keys').values(row).execute();
  }
}
