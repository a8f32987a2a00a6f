import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ApiError } from '../errors.js';
import { newId, newToken, sha256 } from '../security/tokens.js';
import type { Database, FlowCallbackTable } from '../store/schema.js';

export type CallbackKind = FlowCallbackTable['kind'];

export interface CallbackSecret {
  token?: string;
  code?: string;
}

export interface RegisteredCallback {
  /** 256-bit secret for URLs (a QR payload, an OAuth `state`). */
  token: string;
  /** Short code to type, when asked for: 8 characters without look-alikes, shown as XXXX-XXXX. */
  code?: string;
  expiresAt: number;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function newCode(): string {
  return Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** Case, spaces and dashes do not matter when a person types a code. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Issues a callback for a flow; any earlier unused one of the same kind stops working (rotation). */
export async function registerCallback(
  db: Kysely<Database>,
  options: { flowId: string; kind: CallbackKind; ttlMs: number; withCode: boolean; now: number },
): Promise<RegisteredCallback> {
  const token = newToken();
  const code = options.withCode ? newCode() : undefined;
  const expiresAt = options.now + options.ttlMs;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('flow_callbacks')
      .set({ used_at: options.now })
      .where('flow_id', '=', options.flowId)
      .where('kind', '=', options.kind)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('flow_callbacks')
      .values({
        id: newId(),
        flow_id: options.flowId,
        kind: options.kind,
        token_hash: sha256(token),
        code_hash: code ? sha256(code) : null,
        expires_at: expiresAt,
        used_at: null,
        created_at: options.now,
      })
      .execute();
  });
  return { token, ...(code ? { code: formatCode(code) } : {}), expiresAt };
}

/** The live callback a secret names; 404 when unknown, 410 when used, superseded or expired. */
export async function findCallback(db: Kysely<Database>, kind: CallbackKind, secret: CallbackSecret, now: number): Promise<FlowCallbackTable> {
  let query = db.selectFrom('flow_callbacks').selectAll().where('kind', '=', kind);
  if (secret.token) query = query.where('token_hash', '=', sha256(secret.token));
  else if (secret.code) query = query.where('code_hash', '=', sha256(normaliseCode(secret.code)));
  else throw new ApiError(422, 'invalid_request', 'Give the code or the link you scanned.');
  const rows = await query.orderBy('created_at', 'desc').limit(1).execute();
  const row = rows[0];
  if (!row) throw new ApiError(404, 'code_not_found', 'This code is not valid. Check it, or scan the QR code again.');
  if (row.used_at !== null || now >= row.expires_at) throw new ApiError(410, 'code_expired', 'This code has expired. Scan the new QR code on your computer.');
  return row;
}

/** Marks the callback used, once: a second use of the same secret loses the race. */
export async function consumeCallback(db: Kysely<Database>, row: FlowCallbackTable, now: number): Promise<void> {
  const result = await db
    .updateTable('flow_callbacks')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ApiError(410, 'code_expired', 'This code has already been used or has expired.');
}
