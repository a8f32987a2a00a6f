import { describeDatabaseError, isDatabaseUnavailable } from '../store/unavailable.js';

export interface Poller {
  /** Runs a pass now instead of at the next poll. */
  kick(): void;
  /** Runs one pass and resolves with how many items it handled (tests use it). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export interface PollerOptions {
  pass: () => Promise<number>;
  pollMs: number;
  name: string;
  log: (line: string) => void;
  /** The longest wait between passes while the database is away; eight poll intervals by default. */
  maxBackoffMs?: number;
}

/**
 * Runs `pass` every `pollMs`, never two at once; a kick during a pass runs one more after it, so
 * work queued meanwhile is not left for the next poll.
 *
 * While the database is unavailable the poller pauses: the wait between passes doubles up to
 * `maxBackoffMs`, and the log says once that it paused and once that it resumed, not every pass.
 * A kick still runs a pass at once: it means a request just wrote to the database, so it is back.
 */
export function startPoller(options: PollerOptions): Poller {
  const maxBackoffMs = Math.max(options.pollMs, options.maxBackoffMs ?? options.pollMs * 8);
  let stopped = false;
  let running: Promise<number> | undefined;
  let kickedDuringPass = false;
  let timer: NodeJS.Timeout | undefined;
  let waitMs = options.pollMs;
  let pausedSince: number | undefined;

  function succeeded(count: number): number {
    if (pausedSince !== undefined) {
      options.log(`[keyway] ${options.name} resumed: the database answers again after ${Math.round((Date.now() - pausedSince) / 1000)} s`);
      pausedSince = undefined;
      waitMs = options.pollMs;
      // A kick found the database back while a long wait was armed: poll at the usual pace again.
      if (timer) schedule();
    }
    return count;
  }

  function failed(error: unknown): number {
    if (!isDatabaseUnavailable(error)) {
      options.log(`[keyway] ${options.name} pass failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
    if (pausedSince === undefined) {
      pausedSince = Date.now();
      options.log(`[keyway] ${options.name} paused: the database is unavailable (${describeDatabaseError(error)}); retrying with back-off up to ${maxBackoffMs / 1000} s`);
    } else {
      waitMs = Math.min(waitMs * 2, maxBackoffMs);
    }
    return 0;
  }

  function run(): Promise<number> {
    running ??= options
      .pass()
      .then(succeeded, failed)
      .finally(() => {
        running = undefined;
        if (kickedDuringPass && !stopped) {
          kickedDuringPass = false;
          void run();
        }
      });
    return running;
  }

  // One timer at a time: arming it again replaces the one pending.
  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void run().then(schedule);
    }, waitMs);
    timer.unref();
  }
  schedule();

  return {
    kick() {
      if (stopped) return;
      if (running) kickedDuringPass = true;
      else void run();
    },
    async drain() {
      if (running) await running;
      return run();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
  };
}
