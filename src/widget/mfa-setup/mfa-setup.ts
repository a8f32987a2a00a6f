import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import type { KeywayCodeInput } from '../code-input/code-input.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tPlural } from '../i18n/localize.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { tOnboarding } from '../internal/onboarding-words.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { drawQr, type QrDrawing } from '../qr/qr-matrix.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './mfa-setup.styles.js';

import '../code-input/code-input.js';

/**
 * @summary The MFA set-up step of a sign-in: the authenticator app's QR code, the same secret as
 * text with a copy button, and the first code to prove the app is set up.
 *
 * Loaded on demand (see `lazy.ts`) with the QR encoder the connect flows' QR step uses. After a
 * wrong code the boxes are cleared and the first is focused, as on the MFA step.
 *
 * @fires keyway-submit - With `{kind: 'mfa', stepId, code}` when a complete code is submitted, or
 *   `{kind: 'skip', stepId}` when an onboarding that made MFA optional is skipped.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart qr - The drawn otpauth URI (`role="img"`, labelled).
 * @csspart secret - The secret in groups of four, for typing into the app.
 * @csspart copy-button - Copies the secret.
 * @csspart copy-status - Says whether the copy worked.
 * @csspart form - The form.
 * @csspart code-input - The `<keyway-code-input>`; its `label`, `boxes` and `box` parts are exported.
 * @csspart attempts - The "N attempts left" line.
 * @csspart error - The wrong-code or incomplete-code message.
 * @csspart submit-button - The verify button.
 * @csspart skip-button - Goes on without MFA (only when the step says it may be skipped).
 *
 * @cssproperty --keyway-qr-size - The drawn code's width and height (default 200px).
 */
@customElement('keyway-mfa-setup')
export class KeywayMfaSetup extends StepElement<StepOf<'mfa-setup'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, styles];

  @state() private drawing?: QrDrawing;
  @state() private copyStatus: 'idle' | 'copied' | 'failed' = 'idle';
  @state() private formatError = false;

  @query('keyway-code-input') private codeInput?: KeywayCodeInput;
  @query('.secret') private secretText?: HTMLElement;

  override async focusHeading(): Promise<void> {
    if (this.step?.error !== 'invalid_code') return super.focusHeading();
    await this.updateComplete;
    this.codeInput?.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('step')) return;
    this.formatError = false;
    const previous = changed.get('step');
    if (this.step && this.step.uri !== previous?.uri) this.drawing = drawQr(this.step.uri);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('step') && changed.get('step') !== undefined && this.codeInput) this.codeInput.value = '';
  }

  override render() {
    const step = this.step;
    if (!step || !this.drawing) return nothing;
    const { size, path } = this.drawing;
    const error = this.formatError ? t('mfa.invalidFormat', { length: step.length }) : step.error === 'invalid_code' ? t('mfa.invalidCode') : '';
    const status = this.copyStatus === 'copied' ? t('mfaSetup.copied') : this.copyStatus === 'failed' ? t('mfaSetup.copyFailed') : '';
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('mfaSetup.heading')}</div>
        <p class="intro">${t('mfaSetup.intro', { app: step.appName })}</p>
        <div class="frame">
          <svg class="qr" part="qr" role="img" aria-label=${t('mfaSetup.qrLabel')} viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" focusable="false">
            <rect width=${size} height=${size} fill="#ffffff"></rect>
            <path d=${path} fill="#000000"></path>
          </svg>
        </div>
        <p class="secret-intro">${t('mfaSetup.secretIntro')}</p>
        <div class="secret-row">
          <code class="secret" part="secret" dir="ltr" translate="no">${groupsOfFour(step.secret)}</code>
          <button class="button button--secondary" part="copy-button" type="button" @click=${this.onCopy}>${t('mfaSetup.copy')}</button>
        </div>
        <p class="copy-status" part="copy-status" role="status">${status}</p>
        <form part="form" novalidate @submit=${this.onSubmit}>
          <keyway-code-input
            part="code-input"
            exportparts="label, boxes, box"
            name="code"
            required
            .length=${step.length}
            .label=${t('mfa.label')}
            ?invalid=${Boolean(error)}
            ?readonly=${this.pending}
            @input=${() => (this.formatError = false)}
            @change=${() => this.renderRoot.querySelector('form')?.requestSubmit()}
          >
            ${error ? html`<p slot="help-text" class="alert" part="error" role="alert">${alertIcon}<span>${error}</span></p>` : nothing}
            <p slot="help-text" class="hint" part="attempts">${tPlural('mfa.attemptsLeft', step.attemptsLeft)}</p>
          </keyway-code-input>
          <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
            ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : t('mfa.submit')}
          </button>
          ${step.canSkip
            ? html`<button class="button button--text skip" part="skip-button" type="button" ?disabled=${this.pending} @click=${this.onSkip}>${tOnboarding('onboarding.skip')}</button>`
            : nothing}
        </form>
      </div>
    `;
  }

  /** A protected seam so tests can stand in for the Clipboard API. */
  protected writeToClipboard(text: string): Promise<void> {
    return navigator.clipboard.writeText(text);
  }

  private async onCopy(): Promise<void> {
    const secret = this.step?.secret;
    if (!secret) return;
    try {
      await this.writeToClipboard(secret);
      this.copyStatus = 'copied';
    } catch {
      this.copyStatus = 'failed';
      if (this.secretText) getSelection()?.selectAllChildren(this.secretText);
    }
  }

  private onSkip(): void {
    if (this.step && !this.pending) this.emit(new KeywaySubmitEvent({ kind: 'skip', stepId: this.step.id }));
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    const codeInput = this.codeInput;
    if (!step || !codeInput || this.pending) return;
    if (!codeInput.complete) {
      this.formatError = true;
      codeInput.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'mfa', stepId: step.id, code: codeInput.value }));
  }
}

/** Authenticator apps ignore spaces in a typed key; groups are easier to read across. */
function groupsOfFour(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-mfa-setup': KeywayMfaSetup;
  }
}
