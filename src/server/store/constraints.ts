/**
 * Telling constraint violations apart from other failures, on both dialects, so a race between
 * two writers is answered like the check it is (a 409, a retry), not a 500. The index decides,
 * not a read beforehand that another request can overtake.
 */
export interface UniqueIndex {
  /** The index name, as PostgreSQL reports it in `constraint`. */
  name: string;
  table: string;
  columns: readonly string[];
}

export function isUniqueViolation(error: unknown, index: UniqueIndex): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  // PostgreSQL: SQLSTATE 23505 names the index.
  if (code === '23505') return constraint === index.name;
  // SQLite names the columns instead: "UNIQUE constraint failed: users.tenant_id, users.email_key".
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return error.message.endsWith(`: ${index.columns.map((column) => `${index.table}.${column}`).join(', ')}`);
  return false;
}

/** A row still (or no longer) referenced: PostgreSQL's 23503, SQLite's SQLITE_CONSTRAINT_FOREIGNKEY. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
