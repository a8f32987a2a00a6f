import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import { t, tServer } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { drawQr, type QrDrawing } from './qr-matrix.js';
import { styles } from './qr.styles.js';

/**
 * @summary The QR step: a code to scan with the provider's phone app, its expiry
 * countdown, and the typed pairing code for people who cannot scan.
 *
 * The server rotates the code before it expires (a new step of the same kind);
 * the wizard keeps this element and hands it the new step, which redraws the
 * code in place. The wizard, not this element, listens for the phone's answer.
 * Loaded on demand (see `lazy.ts`): the encoder stays out of the initial bundle.
 * The step's `help` shows in `<keyway-help>`, which the widget's entry defines
 * (importing it here would pull shared code out of the initial chunk).
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart qr - The drawn code (`role="img"`, labelled).
 * @csspart countdown - The "This code expires in m:ss" line.
 * @csspart pairing - The typed-code alternative.
 * @csspart pairing-code - The pairing code, in groups.
 * @csspart copy-button - Copies the pairing code.
 * @csspart copy-status - Says whether the copy worked.
 *
 * @cssproperty --keyway-qr-size - The drawn code's width and height (default 220px).
 */
@customElement('keyway-qr')
export class KeywayQr extends StepElement<StepOf<'qr'>> {
  static override styles = [tokens, sharedStyles, styles];

  @state() private drawing?: QrDrawing;
  @state() private now = Date.now();
  @state() private copyStatus: 'idle' | 'copied' | 'failed' = 'idle';

  @query('.pairing-code') private pairingCode?: HTMLElement;

  private ticker?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.ticker ??= setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('step')) return;
    const previous = changed.get('step');
    // Re-encode only for a new payload: a re-render with the same one keeps the drawing.
    if (this.step && this.step.payload !== previous?.payload) this.drawing = drawQr(this.step.payload);
    if (this.step?.code !== previous?.code) this.copyStatus = 'idle';
    this.now = Date.now();
  }

  override render() {
    const step = this.step;
    if (!step || !this.drawing) return nothing;
    const provider = displayProviderName(step.provider, this.providerName, step.i18n?.providerName);
    const secondsLeft = Math.max(0, Math.ceil((Date.parse(step.expiresAt) - this.now) / 1000));
    const expired = secondsLeft === 0;
    const { size, path } = this.drawing;
    return html`
      <div part="base">
        <div class="heading-row">
          <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('qr.heading', { provider })}</div>
          ${step.help ? html`<keyway-help class="help" .text=${tServer(step.help, step.i18n?.help)} .topic=${provider}></keyway-help>` : nothing}
        </div>
        <p class="intro">${t('qr.intro', { provider })}</p>
        <div class="frame ${expired ? 'frame--expired' : ''}">
          <svg
            class="qr"
            part="qr"
            role="img"
            aria-label=${t('qr.label', { provider })}
            viewBox="0 0 ${size} ${size}"
            shape-rendering="crispEdges"
            focusable="false"
          >
            <rect class="qr-light" width=${size} height=${size} fill="#ffffff"></rect>
            <path class="qr-dark" d=${path} fill="#000000"></path>
          </svg>
        </div>
        <p class="countdown" part="countdown" role="timer">
          ${expired ? t('qr.expired') : t('qr.expiresIn', { time: formatDuration(secondsLeft) })}
        </p>
        ${step.code ? this.renderPairing(step.code) : nothing}
      </div>
    `;
  }

  private renderPairing(code: string) {
    const status = this.copyStatus === 'copied' ? t('qr.copied') : this.copyStatus === 'failed' ? t('qr.copyFailed') : '';
    return html`
      <div class="pairing" part="pairing">
        <p class="pairing-intro">${t('qr.pairingIntro')}</p>
        <div class="pairing-row">
          <code class="pairing-code" part="pairing-code" dir="ltr" translate="no">${formatPairingCode(code)}</code>
          <button class="button button--secondary" part="copy-button" type="button" @click=${this.onCopy}>${t('qr.copy')}</button>
        </div>
        <p class="copy-status" part="copy-status" role="status">${status}</p>
      </div>
    `;
  }

  /** Writes text to the clipboard; a protected seam so tests can stand in for the Clipboard API. */
  protected writeToClipboard(text: string): Promise<void> {
    return navigator.clipboard.writeText(text);
  }

  private async onCopy(): Promise<void> {
    const code = this.step?.code;
    if (!code) return;
    try {
      // The raw code: apps that take it ignore or reject the spaces added for reading.
      await this.writeToClipboard(code);
      this.copyStatus = 'copied';
    } catch {
      this.copyStatus = 'failed';
      // Leave the code selected so a manual copy is one keystroke away.
      if (this.pairingCode) getSelection()?.selectAllChildren(this.pairingCode);
    }
  }
}

/** `ABCD1234` → `ABCD 1234`, `123456` → `123 456`: groups are easier to read out and type. */
export function formatPairingCode(code: string): string {
  const compact = code.replace(/[\s-]+/g, '');
  const group = compact.length % 4 !== 0 && compact.length % 3 === 0 ? 3 : 4;
  return compact.match(new RegExp(`.{1,${group}}`, 'gu'))?.join(' ') ?? compact;
}

/** `90` → `1:30`. */
function formatDuration(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-qr': KeywayQr;
  }
}
