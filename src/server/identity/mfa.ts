import type { Kysely, Transaction } from 'kysely';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { MfaState } from '../../protocol/index.js';
import { brandOfTenant } from '../brands.js';
import type { Sealer } from '../security/sealer.js';
import { newId } from '../security/tokens.js';
import type { Database, TokenFamilyTable, UserTable } from '../store/schema.js';
import { deleteRecoveryCodes, issueRecoveryCodes, useRecoveryCode } from './recovery-codes.js';

export { RECOVERY_CODE_COUNT, useRecoveryCode } from './recovery-codes.js';

/**
 * TOTP factors (seed 001): set up, verified by a first code, then asked for at every sign-in
 * until the session is validated. Attempt limits are the caller's (the API counts per session
 * and per user, the wizard per flow); everything here is one check or one change.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** Seed 001's settings, which every authenticator app reads from the otpauth URI. */
const TOTP = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side: a phone clock a little off, or a code typed as it turned over. */
const WINDOW = 1;
const SECRET_BYTES = 20;
const DEFAULT_ISSUER = 'Keyway';

/** What a code is found to be. `replayed`: right, but its time step (or a later one) was accepted already. */
export type MfaCodeCheck = 'accepted' | 'replayed' | 'wrong';

/** A second factor as the user offers it: seed 001's `token`, or a recovery code instead. */
export type MfaProof = { token: string } | { recoveryCode: string };

export interface MfaSetup {
  /** Base32, for typing into an app that cannot scan. */
  secret: string;
  /** `otpauth://totp/<brand>:<email>?issuer=<brand>&secret=…&algorithm=SHA1&digits=6&period=30` */
  uri: string;
  /** The URI as a QR code, a `data:image/png;base64,…` URL. */
  qrCode: string;
}

export function userHasMfa(user: Pick<UserTable, 'mfa_enabled'>): boolean {
  return user.mfa_enabled === 1;
}

/** Whether a session of this user still owes its second factor. */
export function mfaStateOf(user: Pick<UserTable, 'mfa_enabled'>, family: Pick<TokenFamilyTable, 'mfa_validated'>): MfaState {
  if (!userHasMfa(user)) return 'none';
  return family.mfa_validated === 1 ? 'validated' : 'required';
}

function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

function totp(secret: string, names: { issuer: string; label: string } = { issuer: '', label: '' }): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ ...TOTP, ...names, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** The time step `code` belongs to within the window around `now`, if it is right at all. */
function matchingStep(secret: string, code: string, now: number): number | undefined {
  const delta = totp(secret).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? undefined : OTPAuth.TOTP.counter({ period: TOTP.period, timestamp: now }) + delta;
}

/**
 * Starts (or restarts) the setup: a fresh secret, sealed, replacing any setup not yet verified.
 * A verified factor is never replaced here: it has to be removed with a code first.
 */
export async function beginMfaSetup(db: Db, sealer: Sealer, user: Pick<UserTable, 'id' | 'tenant_id' | 'email'>, now: number): Promise<MfaSetup | 'already_enabled'> {
  const secret = new OTPAuth.Secret({ size: SECRET_BYTES }).base32;
  const sealed = sealer.seal(secret);
  const written = await db
    .insertInto('mfa_factors')
    .values({ id: newId(), tenant_id: user.tenant_id, user_id: user.id, sealed_secret: sealed, created_at: now, confirmed_at: null, last_used_step: null })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ sealed_secret: sealed, created_at: now, last_used_step: null }).where('mfa_factors.confirmed_at', 'is', null))
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) !== 1) return 'already_enabled';
  const issuer = (await brandOfTenant(db, user.tenant_id))?.brand.name ?? DEFAULT_ISSUER;
  const uri = totp(secret, { issuer, label: user.email }).toString();
  return { secret, uri, qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2 }) };
}

export type MfaConfirmation =
  | { outcome: 'enabled'; user: UserTable; recoveryCodes: string[] }
  | { outcome: 'not_set_up' | 'already_enabled' | 'wrong' | 'replayed' };

/**
 * Verifies the setup with its first code: the factor is confirmed, the user's `mfa_enabled` set,
 * ten recovery codes issued (returned once), and `sessionId`, when given, marked validated; all in
 * one transaction.
 */
export async function confirmMfaSetup(db: Db, sealer: Sealer, userId: string, code: string, now: number, options: { sessionId?: string } = {}): Promise<MfaConfirmation> {
  return inTransaction(db, async (trx) => {
    const factor = await trx.selectFrom('mfa_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!factor) return { outcome: 'not_set_up' };
    if (factor.confirmed_at !== null) return { outcome: 'already_enabled' };
    const step = matchingStep(sealer.open(factor.sealed_secret), code, now);
    if (step === undefined) return { outcome: 'wrong' };
    const confirmed = await trx
      .updateTable('mfa_factors')
      .set({ confirmed_at: now, last_used_step: step })
      .where('id', '=', factor.id)
      .where('confirmed_at', 'is', null)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    // Another request verified it first, with this very code.
    if (Number(confirmed.numUpdatedRows) !== 1) return { outcome: 'replayed' };
    const user = await trx.updateTable('users').set({ mfa_enabled: 1, updated_at: now }).where('id', '=', userId).returningAll().executeTakeFirstOrThrow();
    const recoveryCodes = await issueRecoveryCodes(trx, userId, now);
    if (options.sessionId !== undefined) await markSessionMfaValidated(trx, options.sessionId);
    return { outcome: 'enabled', user, recoveryCodes };
  });
}

/**
 * Checks a code against the user's verified factor. A right code is accepted once: the guarded
 * update moves `last_used_step` forward, so the same code (or an older one still in the window)
 * is refused afterwards on every instance, and of two racing requests only one wins.
 */
export async function checkMfaCode(db: Db, sealer: Sealer, userId: string, code: string, now: number): Promise<MfaCodeCheck | 'not_enabled'> {
  const factor = await db.selectFrom('mfa_factors').select(['id', 'sealed_secret']).where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst();
  if (!factor) return 'not_enabled';
  const step = matchingStep(sealer.open(factor.sealed_secret), code, now);
  if (step === undefined) return 'wrong';
  const claimed = await db
    .updateTable('mfa_factors')
    .set({ last_used_step: step })
    .where('id', '=', factor.id)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? 'accepted' : 'replayed';
}

/** A code from the app or a recovery code (used up if right); `not_enabled` when the user has no verified factor. */
export async function checkMfaProof(db: Db, sealer: Sealer, userId: string, proof: MfaProof, now: number): Promise<MfaCodeCheck | 'not_enabled'> {
  if ('token' in proof) return checkMfaCode(db, sealer, userId, proof.token, now);
  const enabled = await db.selectFrom('mfa_factors').select('id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst();
  if (!enabled) return 'not_enabled';
  return (await useRecoveryCode(db, userId, proof.recoveryCode, now)) ? 'accepted' : 'wrong';
}

/** The session has shown the second factor: its refreshed tokens keep that. */
export async function markSessionMfaValidated(db: Db, sessionId: string): Promise<void> {
  await db.updateTable('token_families').set({ mfa_validated: 1 }).where('id', '=', sessionId).execute();
}

/** Validates a session with a proof, in one transaction: the proof is used up only if the session is marked. */
export async function validateMfaSession(db: Db, sealer: Sealer, session: { userId: string; sessionId: string }, proof: MfaProof, now: number): Promise<MfaCodeCheck | 'not_enabled'> {
  return inTransaction(db, async (trx) => {
    const check = await checkMfaProof(trx, sealer, session.userId, proof, now);
    if (check === 'accepted') await markSessionMfaValidated(trx, session.sessionId);
    return check;
  });
}

/**
 * Removes the factor when the proof is right: the secret and recovery codes go, `mfa_enabled` is
 * cleared, and every session of the user forgets its validation, so a factor set up later is
 * asked for again everywhere but where it is verified.
 */
export async function removeMfa(db: Db, sealer: Sealer, userId: string, proof: MfaProof, now: number): Promise<MfaCodeCheck | 'not_enabled'> {
  return inTransaction(db, async (trx) => {
    const check = await checkMfaProof(trx, sealer, userId, proof, now);
    if (check !== 'accepted') return check;
    await trx.deleteFrom('mfa_factors').where('user_id', '=', userId).execute();
    await deleteRecoveryCodes(trx, userId);
    await trx.updateTable('users').set({ mfa_enabled: 0, updated_at: now }).where('id', '=', userId).execute();
    await trx.updateTable('token_families').set({ mfa_validated: 0 }).where('user_id', '=', userId).where('mfa_validated', '=', 1).execute();
    return check;
  });
}

/** What deleting a user must remove first (their rows reference users.id). */
export async function deleteMfaOf(trx: Db, userId: string): Promise<void> {
  await deleteRecoveryCodes(trx, userId);
  await trx.deleteFrom('mfa_factors').where('user_id', '=', userId).execute();
}
