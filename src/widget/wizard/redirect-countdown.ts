import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Counts down to a redirect and shows whole seconds left. One timeout does the
 * redirect (so the delay is exact); a one-second interval only refreshes the display.
 */
export class RedirectCountdown implements ReactiveController {
  /** Whole seconds until the redirect, or undefined when no countdown runs. */
  secondsLeft?: number;

  private url?: string;
  private deadline = 0;
  private timeout?: number;
  private interval?: number;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly go: (url: string) => void,
  ) {
    host.addController(this);
  }

  start(url: string, delayMs: number): void {
    this.stop();
    this.url = url;
    this.deadline = Date.now() + delayMs;
    this.secondsLeft = Math.ceil(delayMs / 1000);
    this.timeout = window.setTimeout(() => this.now(), delayMs);
    this.interval = window.setInterval(() => {
      this.secondsLeft = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));
      this.host.requestUpdate();
    }, 1000);
    this.host.requestUpdate();
  }

  /** Redirects at once (the "Continue now" button). */
  now(): void {
    const url = this.url;
    this.stop();
    if (url) this.go(url);
  }

  stop(): void {
    window.clearTimeout(this.timeout);
    window.clearInterval(this.interval);
    this.url = undefined;
    this.secondsLeft = undefined;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }
}
