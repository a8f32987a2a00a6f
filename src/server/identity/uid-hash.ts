import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * A host's `uid` (seed 002) is a password in all but name, and may be as weak as one, so it is
 * stored the way passwords are: salted and slow. scrypt with OWASP's N=2^14, r=8, p=5, the
 * member of its equal-strength set that needs least memory (16 MiB) per concurrent request.
 * The stored text names its parameters, so they can be raised later without a migration.
 */
const PARAMETERS = { N: 2 ** 14, r: 8, p: 5 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  const memory = 128 * (options.N ?? 0) * (options.r ?? 0);
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, { ...options, maxmem: memory * 2 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt>$<key>`, base64url. */
export async function hashUid(uid: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(uid, salt, PARAMETERS);
  return ['scrypt', PARAMETERS.N, PARAMETERS.r, PARAMETERS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time; a stored value this code cannot read verifies nothing. */
export async function verifyUid(uid: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(parts[5] as string, 'base64url');
  const key = await derive(uid, Buffer.from(parts[4] as string, 'base64url'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
