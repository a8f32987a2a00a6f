import { ApiError } from '../errors.js';

/** Keyset cursor: the last row's (created_at, id), so pages stay stable while rows are added. */
export function encodeCursor(row: { created_at: number; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && Number.isSafeInteger(createdAt) && typeof id === 'string') return { createdAt, id };
  } catch {
    // Falls through to the error below.
  }
  throw new ApiError(422, 'invalid_cursor', 'The cursor is not one this API returned.');
}
