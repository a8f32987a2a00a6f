import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Flow } from '../../protocol/flow.js';

/** What the controller reads from the wizard each time it renders. */
export interface LiveFlowState {
  /** The flow on screen, if any. */
  flow: Flow | undefined;
  flowToken: string | undefined;
  apiBase: string;
  link: string;
  /** True while the user's own request is under way: its answer, not an event, decides the next step. */
  busy: boolean;
  pollIntervalMs: number;
}

/** The steps that wait for something that happens elsewhere: a phone scanning the code, a provider's popup. */
const WAITING_STEPS: ReadonlySet<string> = new Set(['qr', 'oauth']);

/**
 * Keeps the wizard's flow live while a QR or OAuth step waits: it listens to the
 * server's flow events (see flow-events.ts, fetched only when first needed) and
 * hands each reported flow to `show`, like an answer to a request. It re-checks
 * after every render and stops on any other step, when the flow ends, while a
 * request is under way and when the wizard leaves the page.
 */
export class LiveFlow implements ReactiveController {
  private watch?: AbortController;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly read: () => LiveFlowState,
    private readonly show: (flow: Flow) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.stop();
  }

  stop(): void {
    this.watch?.abort();
    this.watch = undefined;
  }

  private sync(): void {
    const { flow, flowToken, apiBase, link, busy, pollIntervalMs } = this.read();
    const waiting = this.host.isConnected && !busy && flow?.status === 'active' && WAITING_STEPS.has(flow.step.kind);
    if (!waiting || !flowToken) {
      this.stop();
      return;
    }
    if (this.watch) return;
    const watch = new AbortController();
    this.watch = watch;
    import('./flow-events.js')
      .then(({ watchFlow }) =>
        watchFlow({
          apiBase,
          link,
          flowToken,
          signal: watch.signal,
          pollIntervalMs,
          onFlow: (next) => {
            if (next.id === flow.id && !this.read().busy) this.show(next);
          },
        }),
      )
      .catch(() => undefined)
      .finally(() => {
        if (this.watch === watch) this.watch = undefined;
      });
  }
}
