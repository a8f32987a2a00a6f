import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { newId, sha256 } from '../security/tokens.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Codes issued when MFA is enabled; each signs in once, for when the authenticator app is lost. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32: no i, l, o or u, so a code read off paper is typed back right.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 16;

/**
 * 16 symbols of 5 bits: 80 random bits each. That is far beyond any guessing the attempt limits
 * allow, and too much to search offline from a stolen digest, so a fast SHA-256 (salted with the
 * user's id, against precomputation across users) is enough; these are not passwords a person chose.
 */
function newRecoveryCode(): string {
  // 256 is a multiple of 32: taking each byte modulo 32 has no bias.
  const symbols = [...randomBytes(LENGTH)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return symbols.match(/.{4}/g)?.join('-') ?? symbols;
}

/** The form codes are hashed in: lower case, no separators, the letters Crockford reads as digits mapped. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '').replace(/[o]/g, '0').replace(/[il]/g, '1');
}

function recoveryCodeHash(userId: string, code: string): string {
  return sha256(`${userId}:${normaliseRecoveryCode(code)}`);
}

/** Replaces the user's recovery codes with fresh ones and returns them: they are shown this once. */
export async function issueRecoveryCodes(trx: Db, userId: string, now: number): Promise<string[]> {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ id: newId(), user_id: userId, code_hash: recoveryCodeHash(userId, code), created_at: now, used_at: null })))
    .execute();
  return codes;
}

/** Uses up one of the user's recovery codes; false for a code that is not theirs or was used. The guard makes one of two racing uses win. */
export async function useRecoveryCode(db: Db, userId: string, code: string, now: number): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code);
  if (normalised.length !== LENGTH || [...normalised].some((symbol) => !ALPHABET.includes(symbol))) return false;
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', recoveryCodeHash(userId, normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRecoveryCodes(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}
