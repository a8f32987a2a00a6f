import type { Kysely, Transaction } from 'kysely';
import { newId } from '../security/tokens.js';
import type { Sealer } from '../security/sealer.js';
import type { Store } from '../store/database.js';
import type { Database, MailOutboxTable } from '../store/schema.js';
import { isPlainAddress } from './mail-settings.js';

/** The two parts of a rendered mail, as they are sealed in the outbox. */
export interface MailBody {
  text: string;
  html: string;
}

export interface MailToQueue extends MailBody {
  tenantId: string;
  /** What the mail is for, e.g. `signin_code`, `message`. */
  kind: string;
  to: string;
  /** Stored in clear so an operator can read the queue: never put a code or a link in it. */
  subject: string;
  /** The caller's handle on the mail (a message id), for `mailsWithRef`. */
  refId?: string;
  sealer: Sealer;
  now: number;
  /** Not sent before this time; at once by default. */
  sendAt?: number;
  /** Given up unsent after this time (a sign-in code that has expired by then is only confusing). */
  expiresAt?: number;
}

/**
 * Written in the caller's transaction, like a webhook, so the mail exists exactly when the state that
 * asked for it does (a sign-in code is queued with its challenge, or neither). Returns the outbox id.
 */
export async function enqueueMail(trx: Transaction<Database> | Kysely<Database>, mail: MailToQueue): Promise<string> {
  if (!isPlainAddress(mail.to)) throw new Error('enqueueMail: `to` must be one plain email address');
  const id = newId();
  await trx
    .insertInto('mail_outbox')
    .values({
      id,
      tenant_id: mail.tenantId,
      kind: mail.kind,
      ref_id: mail.refId ?? null,
      to_address: mail.to,
      // Line breaks in a subject would start new headers; the transport folds it, this keeps it one line.
      subject: mail.subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 250),
      sealed_body: mail.sealer.sealJson({ text: mail.text, html: mail.html } satisfies MailBody),
      attempts: 0,
      next_attempt_at: mail.sendAt ?? mail.now,
      locked_until: null,
      expires_at: mail.expiresAt ?? null,
      sent_at: null,
      failed_at: null,
      last_error: null,
      created_at: mail.now,
    })
    .execute();
  return id;
}

export type MailState = 'queued' | 'sent' | 'failed';

export interface MailStatus {
  id: string;
  kind: string;
  state: MailState;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  failedAt: number | null;
  /** While queued: when the next attempt is due. */
  nextAttemptAt: number | null;
  lastError: string | null;
}

/** Where the mails a caller queued under `refId` stand, oldest first. */
export async function mailsWithRef(db: Kysely<Database>, tenantId: string, refId: string): Promise<MailStatus[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['id', 'kind', 'attempts', 'created_at', 'sent_at', 'failed_at', 'next_attempt_at', 'last_error'])
    .where('tenant_id', '=', tenantId)
    .where('ref_id', '=', refId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const state: MailState = row.sent_at !== null ? 'sent' : row.failed_at !== null ? 'failed' : 'queued';
    return {
      id: row.id,
      kind: row.kind,
      state,
      attempts: row.attempts,
      createdAt: row.created_at,
      sentAt: row.sent_at,
      failedAt: row.failed_at,
      nextAttemptAt: state === 'queued' ? row.next_attempt_at : null,
      lastError: row.last_error,
    };
  });
}

/**
 * Leases up to `limit` due mails to this worker until `leaseMs` passes. A crashed worker's lease lapses
 * and the mail is sent again (at least once); the Message-ID stays the same, so a receiving server or
 * client can tell the copy. SKIP LOCKED lets several instances claim side by side on PostgreSQL.
 */
export async function claimDueMail(store: Store, now: number, options: { limit: number; leaseMs: number }): Promise<MailOutboxTable[]> {
  return store.db.transaction().execute(async (trx) => {
    const due = await store
      .skipLocked(
        trx
          .selectFrom('mail_outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
          .orderBy('next_attempt_at')
          .limit(options.limit),
      )
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('mail_outbox')
      .set((eb) => ({ locked_until: now + options.leaseMs, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returningAll()
      .execute();
  });
}

export function openMailBody(sealer: Sealer, row: MailOutboxTable): MailBody {
  return sealer.openJson<MailBody>(row.sealed_body);
}

/** The body is dropped once it has gone out: a sent code or link has no reason to stay, sealed or not. */
export async function markMailSent(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('mail_outbox').set({ sent_at: now, locked_until: null, last_error: null, sealed_body: '' }).where('id', '=', id).execute();
}

/** Records a failed attempt: retried at `nextAttemptAt`, or given up (and its body dropped) when that is null. */
export async function markMailAttemptFailed(db: Kysely<Database>, id: string, options: { now: number; error: string; nextAttemptAt: number | null }): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      locked_until: null,
      last_error: options.error.slice(0, 500),
      ...(options.nextAttemptAt === null ? { failed_at: options.now, sealed_body: '' } : { next_attempt_at: options.nextAttemptAt }),
    })
    .where('id', '=', id)
    .execute();
}

/** Gives back a mail this worker was interrupted sending (it is stopping), while the lease is still its own. */
export async function releaseMailLease(db: Kysely<Database>, row: MailOutboxTable, reason: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ locked_until: null, last_error: reason })
    .where('id', '=', row.id)
    .where('locked_until', '=', row.locked_until)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
}
