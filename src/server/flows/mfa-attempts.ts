import type { Kysely } from 'kysely';
import { sha256 } from '../security/tokens.js';
import type { Database } from '../store/schema.js';

/**
 * Codes one flow may try over all its challenges. Going back and asking the provider for a
 * fresh challenge opens a new challenge, not a fresh budget.
 */
export const FLOW_MFA_ATTEMPTS = 5;

/** Who a challenge is for, as a limit key: the same account is limited across flows and links. */
export function mfaSubjectKey(tenantId: string, provider: string, subject: string): string {
  return sha256(`${tenantId}\n${provider}\n${subject.trim().toLowerCase()}`);
}

/** Attempts a new challenge gets: its own maximum, within what the flow has left. */
export function challengeBudget(maxAttempts: number, usedByFlow: number): number {
  return Math.max(0, Math.min(maxAttempts, FLOW_MFA_ATTEMPTS - usedByFlow));
}

/**
 * Spends one attempt of the challenge and of its flow, in the database and before the code is
 * checked, so concurrent or repeated submissions cannot exceed either. Answers what is left
 * afterwards, or undefined when either was already used up.
 */
export async function spendAttempt(db: Kysely<Database>, options: { flowId: string; challengeId: string }): Promise<{ left: number } | undefined> {
  return db.transaction().execute(async (trx) => {
    const flow = await trx
      .updateTable('flows')
      .set((eb) => ({ mfa_attempts: eb('mfa_attempts', '+', 1) }))
      .where('id', '=', options.flowId)
      .where('mfa_attempts', '<', FLOW_MFA_ATTEMPTS)
      .returning('mfa_attempts')
      .executeTakeFirst();
    if (!flow) return undefined;
    const challenge = await trx
      .updateTable('challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', options.challengeId)
      .where('flow_id', '=', options.flowId)
      .whereRef('attempts', '<', 'max_attempts')
      .returning(['attempts', 'max_attempts'])
      .executeTakeFirst();
    if (!challenge) return undefined;
    return { left: Math.min(challenge.max_attempts - challenge.attempts, FLOW_MFA_ATTEMPTS - flow.mfa_attempts) };
  });
}
