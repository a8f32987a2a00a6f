export interface Poller {
  /** Runs a pass now instead of at the next poll. */
  kick(): void;
  /** Runs one pass and resolves with how many items it handled (tests use it). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `pollMs`, never two at once; a kick during a pass runs one more after it, so
 * work queued meanwhile is not left for the next poll.
 */
export function startPoller(options: { pass: () => Promise<number>; pollMs: number; name: string; log: (line: string) => void }): Poller {
  let stopped = false;
  let running: Promise<number> | undefined;
  let kickedDuringPass = false;
  let timer: NodeJS.Timeout | undefined;

  function run(): Promise<number> {
    running ??= options
      .pass()
      .catch((error: unknown) => {
        options.log(`[keyway] ${options.name} pass failed: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (kickedDuringPass && !stopped) {
          kickedDuringPass = false;
          void run();
        }
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void run().then(schedule), options.pollMs);
    timer.unref();
  }
  schedule();

  return {
    kick() {
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
