import { format } from 'node:util';
import pino, { type DestinationStream } from 'pino';
import { batchedLog, humanRequestLine, type RequestRecord } from './middleware/request-log.js';

/** `KEYWAY_LOG_FORMAT`: one readable line per event (the default), or one JSON object per line for a log pipeline. */
export type LogFormat = 'human' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['human', 'json'];

/** Where the server's lines go. Callers hand over only what is safe to log: no query string, header or body. */
export interface Logger {
  /** Startup, shutdown and background-worker lines. */
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  /** One finished request. */
  request(record: RequestRecord): void;
  /** Responses carry `X-Request-Id` and records their id: only where the format has room to show it. */
  readonly tracksRequestIds: boolean;
}

/**
 * The human format: `GET /healthz 200 0.4ms` and plain lines. Request lines are written once per
 * event-loop turn (see `batchedLog`) unless `batchRequests` is false, for tests that read them at once.
 */
export function humanLogger(write: (line: string) => void = (line) => console.log(line), options: { batchRequests?: boolean } = {}): Logger {
  const writeRequestLine = options.batchRequests === false ? write : batchedLog(write);
  return {
    tracksRequestIds: false,
    info: write,
    warn: (message) => console.warn(message),
    error: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
    request: (record) => writeRequestLine(humanRequestLine(record)),
  };
}

/**
 * The JSON format, with pino: `{"level":"info","time":"…","msg":"request","requestId":…,"method":…,"route":…,"status":…,"durationMs":…}`.
 * The default destination is stdout written asynchronously (pino flushes it when the process exits), so a burst of
 * requests costs one write per buffer, not one per line.
 */
export function jsonLogger(destination: DestinationStream = pino.destination({ sync: false })): Logger {
  const log = pino({ timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, destination);
  return {
    tracksRequestIds: true,
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, error) => (error === undefined ? log.error(message) : log.error({ err: error }, message)),
    request(record) {
      const { route, path, durationMs, ...rest } = record;
      // The pattern where a route answered: it names the endpoint without the ids in its path.
      const where = route === undefined ? { path } : { route };
      const fields = { ...rest, ...where, durationMs: Math.round(durationMs * 10) / 10 };
      if (record.status >= 500) log.error(fields, 'request');
      else log.info(fields, 'request');
    },
  };
}

export function createLogger(logFormat: LogFormat): Logger {
  return logFormat === 'json' ? jsonLogger() : humanLogger();
}

/**
 * Sends `console.*` through the logger. In JSON mode every line on stdout must be JSON, and some lines
 * (an unexpected error's report, a dependency's warning) are written with `console` where no logger is at hand.
 */
export function routeConsoleTo(logger: Logger): void {
  const toMessage = (args: unknown[]) => format(...args);
  console.log = console.info = (...args: unknown[]) => logger.info(toMessage(args));
  console.warn = (...args: unknown[]) => logger.warn(toMessage(args));
  console.error = (...args: unknown[]) => {
    const error = args.find((arg) => arg instanceof Error);
    logger.error(toMessage(args.filter((arg) => arg !== error)), error);
  };
}
