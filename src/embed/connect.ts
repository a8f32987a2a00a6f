import { open, type Mode, type Result } from './open.js';

// Without a DOM (a bundle evaluated during server-side rendering) the class must still be declarable.
const Base = (globalThis.HTMLElement ?? Object) as typeof HTMLElement;

/** The shadow tree: a button whose label is the element's content. Built with the DOM API, not HTML strings (Trusted Types). */
function renderButton(root: ShadowRoot, onClick: () => void): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.part.add('button');
  const label = document.createElement('slot');
  label.textContent = 'Connect an account';
  button.append(label);
  button.onclick = onClick;
  root.append(button);
}

/**
 * The click opens the wizard in the element's `mode` (`open()` runs inside the click
 * handler, so a popup is not blocked). In `inline` mode the wizard's iframe is drawn
 * below the button. Clicks while a flow is open are ignored.
 *
 * @summary A button that opens a Keyway link and reports the outcome as DOM events.
 *
 * @tag keyway-connect
 *
 * @attr {string} url - The link URL from the link API.
 * @attr {'modal' | 'popup' | 'inline' | 'redirect'} mode - How the wizard is shown. Default `modal`.
 * @attr {'modal' | 'none'} fallback - `popup` mode when the popup is blocked: open a modal (default) or fire `keyway-exit` with `popup_blocked`.
 * @attr {number} ready-timeout-ms - `modal` and `inline`: how long the framed wizard may stay silent before `keyway-failure`
 *   with reason `frame_refused` (the page's CSP or Keyway's `frame-ancestors` refused it). Default 10000; 0 waits forever.
 *
 * @slot - The button's label. Default: "Connect an account".
 *
 * @fires keyway-success - The account is connected. `detail: {status: 'success', accountId, provider}`.
 * @fires keyway-failure - The flow failed or was cancelled in the wizard. `detail: {status: 'failure', reason, message}`.
 * @fires keyway-exit - The user closed the modal or popup, or the popup was blocked (`fallback="none"`).
 *   `detail: {status: 'exit'}` or `{status: 'popup_blocked'}`.
 * @fires keyway-event - Every message from the wizard. `detail: {keyway: 1, type, flowId, data}`.
 *
 * @csspart button - The button.
 */
export class KeywayConnect extends Base {
  private pending = false;

  constructor() {
    super();
    renderButton(this.attachShadow({ mode: 'open' }), () => void this.open());
  }

  /** The link URL from the link API. */
  get url(): string {
    return this.getAttribute('url') ?? '';
  }
  set url(value: string) {
    this.setAttribute('url', value);
  }

  /** `modal` (default), `popup`, `inline` or `redirect`. */
  get mode(): Mode {
    return (this.getAttribute('mode') as Mode | null) ?? 'modal';
  }
  set mode(value: Mode) {
    this.setAttribute('mode', value);
  }

  /** `popup` mode when the popup is blocked: `modal` (default) or `none`. */
  get fallback(): 'modal' | 'none' {
    return this.getAttribute('fallback') === 'none' ? 'none' : 'modal';
  }
  set fallback(value: 'modal' | 'none') {
    this.setAttribute('fallback', value);
  }

  /** Milliseconds the framed wizard may take to say it is ready; unset: the SDK's default (10 s); 0 waits forever. */
  get readyTimeoutMs(): number | undefined {
    const raw = this.getAttribute('ready-timeout-ms') ?? '';
    return /^\d+$/.test(raw) ? Number(raw) : undefined;
  }
  set readyTimeoutMs(value: number | undefined) {
    if (value === undefined) this.removeAttribute('ready-timeout-ms');
    else this.setAttribute('ready-timeout-ms', String(value));
  }

  /**
   * Opens the link, as a click does; call it from a user's click for `popup`.
   * Resolves with the outcome (undefined when a flow was already open).
   */
  async open(): Promise<Result | undefined> {
    if (this.pending || !this.url) return undefined;
    this.pending = true;
    try {
      const result = await open(this.url, {
        mode: this.mode,
        fallback: this.fallback,
        readyTimeoutMs: this.readyTimeoutMs,
        container: this.shadowRoot ?? undefined,
        onEvent: (message) => this.emit('event', message),
      });
      this.emit(result.status === 'popup_blocked' ? 'exit' : result.status, result);
      return result;
    } finally {
      this.pending = false;
    }
  }

  /** Fires `keyway-<name>`; bubbling and composed, so a page can listen on `document`. */
  private emit(name: string, detail: unknown): void {
    const event = new CustomEvent(`keyway-${name}`, { detail, bubbles: true, composed: true });
    this.dispatchEvent(event);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-connect': KeywayConnect;
  }
}
