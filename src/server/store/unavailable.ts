/**
 * Telling "the database is not there right now" apart from everything else. Such errors are
 * the outage's, not the request's: callers answer 503 with Retry-After, background jobs pause,
 * and nothing is logged with a stack, as the same error arrives once per request.
 */

/** Socket-level failures from `net`/`dns` while reaching the database server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that mean the server cannot serve us now: class 08 (connection exception),
 * 57P01-57P03 (terminated by an administrator, crash shutdown, not accepting connections yet),
 * 57014 (our statement_timeout: the server is too slow to be useful) and 53300 (too many connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '57014' || code === '53300';
}

/** better-sqlite3 puts extended codes here too (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE…). */
const SQLITE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR'];

/**
 * pg and pg-pool raise these without a code: a socket the server closed, a pool that could not get a
 * connection in time, a client left unusable by an earlier error, or a store already closed at shutdown.
 */
const MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
  /^driver has already been destroyed/,
  // SQLSTATE 55000 in general means "not in the right state"; with this message it is a database closed to connections.
  /is not currently accepting connections/,
];

/** Raised by Keyway itself where it knows the database cannot be reached (a closed store, a ping that timed out). */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  // Follows `cause` a few levels: pg-pool wraps a connect failure in its own timeout error.
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof DatabaseUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SQLITE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return true;
    }
    const { message } = current;
    if (MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = current.cause;
  }
  return false;
}

/** One line for the log: the code and the first line of the message, bounded; never a stack or a connection string. */
export function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const code = (error as { code?: unknown }).code;
  const message = (error.message.split('\n')[0] ?? '').replace(/postgres(ql)?:\/\/\S+/g, 'postgres://…').slice(0, 200);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}

/**
 * During an outage every request fails the same way; one line per interval says as much, with a
 * count of the lines it held back.
 */
export function throttledLog(log: (line: string) => void, intervalMs = 5000): (line: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let held = 0;
  return (line) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      held += 1;
      return;
    }
    last = now;
    log(held > 0 ? `${line} (${held} more like it since the last line)` : line);
    held = 0;
  };
}
