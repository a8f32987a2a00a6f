import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { PASSWORD_LENGTH, type MessageRef } from '../../protocol/index.js';
import { resolve, type WordSpec } from '../i18n/words.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

/**
 * argon2id at OWASP's Password Storage Cheat Sheet minimum: 19 MiB, 2 passes, 1 lane. Memory-hard,
 * so a GPU or ASIC gains far less over this server than against PBKDF2 or bcrypt; argon2id (not
 * scrypt) because it is what the cheat sheet and RFC 9106 put first, and the hash is a PHC string
 * that carries its own parameters, so raising them later rehashes each password at its next sign-in.
 */
export const ARGON2ID_PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Algorithm.Argon2id and Version.V0x13; the package's const enums cannot be read under isolatedModules.
const ARGON2ID = 2 as Algorithm;
const V0X13 = 1 as Version;

/** NIST SP 800-63B asks for Unicode normalization, so a password typed on another keyboard or OS still matches. */
function normalized(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False, never an error, for a hash that is not argon2 at all. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /** The hash was made with other parameters than today's: store a new one after the next good sign-in. */
  needsRehash(storedHash: string): boolean;
  /** A hash of a random secret, made once: unknown users are checked against it, so they cost one hash too. */
  dummyHash(): Promise<string>;
}

export function argon2idHasher(parameters: { memoryCost: number; timeCost: number; parallelism: number } = ARGON2ID_PARAMETERS): PasswordHasher {
  const options = { ...parameters, algorithm: ARGON2ID, version: V0X13 };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(normalized(password), options),
    async verify(storedHash, password) {
      try {
        return await verify(storedHash, normalized(password));
      } catch {
        return false;
      }
    },
    needsRehash(storedHash) {
      try {
        const used = parseOptions(storedHash);
        return used.algorithm !== ARGON2ID || used.version !== V0X13 || used.memoryCost !== parameters.memoryCost || used.timeCost !== parameters.timeCost || used.parallelism !== parameters.parallelism;
      } catch {
        return true;
      }
    },
    dummyHash() {
      dummy ??= hash(randomBytes(32).toString('base64url'), options);
      return dummy;
    },
  };
}

/** Which rule a new password broke; the users API answers 422 naming it. */
export type PasswordRule = 'min_length' | 'max_length' | 'common' | 'repetitive' | 'contains_email';

export interface PasswordProblem {
  rule: PasswordRule;
  message: string;
  /** The key of `message`: onboarding shows it in the user's language. */
  i18n: MessageRef;
}

function problem(rule: PasswordRule, words: WordSpec): PasswordProblem {
  const { text, ref } = resolve(words);
  return { rule, message: text, i18n: ref };
}

// Digits and symbols typed to reach a length (`Password123!`); `@0 1 3 4 5 7 $` read as the letters they stand for.
const PADDING = /^[^\p{L}]+|[^\p{L}]+$/gu;
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '3': 'e', '1': 'i', '!': 'i', '0': 'o', $: 's', '5': 's', '7': 't' };

const deLeet = (text: string) => [...text].map((char) => LEET[char] ?? char).join('');

function isCommon(lower: string): boolean {
  const stripped = lower.replace(PADDING, '');
  return [lower, stripped, deLeet(stripped), deLeet(lower)].some((candidate) => COMMON_PASSWORDS.has(candidate));
}

/** One unit over and over (`aaaaaaaaaaaa`, `baseballbaseball`): as strong as the unit; or a straight run (`123456789012`, `lkjihgfedcba`). */
function isRepetitive(chars: string[]): boolean {
  if (/^(.+?)\1+$/su.test(chars.join(''))) return true;
  const codes = chars.map((char) => char.codePointAt(0) ?? 0);
  const step = (a: number, b: number) => (a === 0x39 && b === 0x30 ? 1 : a === 0x30 && b === 0x39 ? -1 : b - a);
  const first = step(codes[0] ?? 0, codes[1] ?? 0);
  return Math.abs(first) === 1 && codes.every((code, index) => index === 0 || step(codes[index - 1] ?? 0, code) === first);
}

/**
 * The policy a new password must meet (NIST SP 800-63B's kind: length and a blocklist, no
 * composition rules): 12 to 256 characters (code points, after NFKC), not one of the 1,000 most
 * common passwords even padded with digits and symbols or in leetspeak, not a repetition or
 * a straight run, and not built on the user's own email address.
 */
export function passwordProblem(password: string, context: { email: string }): PasswordProblem | undefined {
  const chars = [...normalized(password)];
  if (chars.length < PASSWORD_LENGTH.min) return problem('min_length', ['password.error.min_length', { min: PASSWORD_LENGTH.min }]);
  if (chars.length > PASSWORD_LENGTH.max) return problem('max_length', ['password.error.max_length', { max: PASSWORD_LENGTH.max }]);
  const lower = chars.join('').toLowerCase();
  if (isCommon(lower)) return problem('common', 'password.error.common');
  if (isRepetitive(chars)) return problem('repetitive', 'password.error.repetitive');
  const email = context.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return problem('contains_email', 'password.error.contains_email');
  return undefined;
}
