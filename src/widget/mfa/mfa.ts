import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import type { KeywayCodeInput } from '../code-input/code-input.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tPlural, tServer } from '../i18n/localize.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './mfa.styles.js';

import '../code-input/code-input.js';
import '../help/help.js';

/**
 * @summary The MFA step: a one-box-per-digit code input, with attempts left, help and resend.
 *
 * The code is sent as soon as its last digit is filled (typed, pasted or autofilled), or with
 * Enter or the Verify button. After a wrong code the boxes are cleared and the first is focused.
 *
 * A sign-in's TOTP step (`canUseRecoveryCode`) offers a recovery code instead, typed in one field.
 *
 * @fires keyway-submit - With `{kind: 'mfa', stepId, code}` when a complete code is submitted,
 *   `{kind: 'recovery', stepId, code}` for a recovery code, or `{kind: 'resend', stepId}` when a new code is asked for.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart code-input - The `<keyway-code-input>`; its `label`, `boxes` and `box` parts are exported.
 * @csspart attempts - The "N attempts left" line.
 * @csspart error - The wrong-code or incomplete-code message.
 * @csspart submit-button - The verify button.
 * @csspart resend-button - The "Send a new code" button (only when the provider can resend).
 * @csspart recovery-button - Switches between the app's code and a recovery code.
 * @csspart field - The recovery code's label and input.
 * @csspart control - The recovery code's input.
 *
 * @cssproperty --keyway-color-primary - The verify button.
 * @cssproperty --keyway-color-danger - The wrong-code message and invalid boxes.
 * @cssproperty --keyway-color-focus - Focus ring.
 */
@customElement('keyway-mfa')
export class KeywayMfa extends StepElement<StepOf<'mfa'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, styles];

  /** Set when an incomplete code is submitted; the server never sees such a code. */
  @state() private formatError = false;

  /** The user chose to type a recovery code instead of the app's code. */
  @state() private recovery = false;

  @query('keyway-code-input') private codeInput?: KeywayCodeInput;

  /** Moves focus to the heading, or to the first box after a wrong code so the next one can be typed at once. */
  override async focusHeading(): Promise<void> {
    if (this.step?.error !== 'invalid_code') return super.focusHeading();
    await this.updateComplete;
    const field = this.recoveryField;
    if (field) {
      field.value = '';
      field.focus();
    } else this.codeInput?.clear();
  }

  private get recoveryField(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('#recovery-code');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step')) this.formatError = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new step (after a wrong code, or a resend) makes the old code useless.
    if (changed.has('step') && changed.get('step') !== undefined && this.codeInput) this.codeInput.value = '';
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const provider = displayProviderName(step.provider, this.providerName, step.i18n?.providerName);
    const fromSource = step.method === 'sms' || step.method === 'email' ? 'mfa.instructions.sentTo' : 'mfa.instructions.from';
    const source = step.hint ? tServer(step.hint, step.i18n?.hint) : t(`mfa.source.${step.method}`, { provider });
    const recovery = this.recovery && Boolean(step.canUseRecoveryCode);
    const missing = recovery ? t('mfa.recoveryMissing') : t('mfa.invalidFormat', { length: step.length });
    const error = this.formatError ? missing : step.error === 'invalid_code' ? t('mfa.invalidCode') : '';
    const errorText = error ? html`<p slot="help-text" class="alert" part="error" role="alert">${alertIcon}<span>${error}</span></p>` : nothing;
    const attempts = html`<p slot="help-text" class="hint" part="attempts">${tPlural('mfa.attemptsLeft', step.attemptsLeft)}</p>`;
    return html`
      <div part="base">
        <div class="heading-row">
          <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('mfa.heading')}</div>
          ${step.help ? html`<keyway-help class="help" .text=${tServer(step.help, step.i18n?.help)} .topic=${t('mfa.label')}></keyway-help>` : nothing}
        </div>
        <p class="intro" id="mfa-instructions">${recovery ? t('mfa.recoveryIntro') : t(fromSource, { length: step.length, source })}</p>
        <form part="form" novalidate @submit=${this.onSubmit}>
          ${recovery
            ? html`<div class="field" part="field">
                <label class="label" for="recovery-code">${t('mfa.recoveryLabel')}</label>
                <input id="recovery-code" class="control" part="control" name="recovery" autocomplete="off" autocapitalize="off" spellcheck="false" dir="ltr"
                  aria-invalid=${error ? 'true' : 'false'} ?readonly=${this.pending} @input=${this.onCodeInput} />
                ${errorText}${attempts}
              </div>`
            : html`<keyway-code-input
                part="code-input"
                exportparts="label, boxes, box"
                name="code"
                required
                .length=${step.length}
                .label=${t('mfa.label')}
                ?invalid=${Boolean(error)}
                ?readonly=${this.pending}
                @input=${this.onCodeInput}
                @change=${this.onCodeComplete}
              >${errorText}${attempts}</keyway-code-input>`}
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : t('mfa.submit')}
            </button>
            ${step.canResend
              ? html`<button class="button button--text" part="resend-button" type="button" ?disabled=${this.pending} @click=${this.onResend}>
                  ${t('mfa.resend')}
                </button>`
              : nothing}
            ${step.canUseRecoveryCode
              ? html`<button class="button button--text" part="recovery-button" type="button" ?disabled=${this.pending} @click=${this.onToggleRecovery}>
                  ${recovery ? t('mfa.useApp') : t('mfa.useRecovery')}
                </button>`
              : nothing}
          </div>
        </form>
      </div>
    `;
  }

  private onCodeInput(): void {
    this.formatError = false;
  }

  /** The last digit is in: send the code without making the user look for the button. */
  private onCodeComplete(): void {
    this.renderRoot.querySelector('form')?.requestSubmit();
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    const codeInput = this.codeInput;
    if (!step || this.pending) return;
    if (this.recovery && step.canUseRecoveryCode) return this.submitRecoveryCode(step.id);
    if (!codeInput) return;
    if (!codeInput.complete) {
      this.formatError = true;
      codeInput.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'mfa', stepId: step.id, code: codeInput.value }));
  }

  private submitRecoveryCode(stepId: string): void {
    const field = this.recoveryField;
    const code = field?.value.trim() ?? '';
    if (!code) {
      this.formatError = true;
      field?.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'recovery', stepId, code }));
  }

  private async onToggleRecovery(): Promise<void> {
    this.recovery = !this.recovery;
    this.formatError = false;
    await this.updateComplete;
    (this.recoveryField ?? this.codeInput)?.focus();
  }

  private onResend(): void {
    if (!this.step || this.pending) return;
    if (this.codeInput) this.codeInput.value = '';
    this.emit(new KeywaySubmitEvent({ kind: 'resend', stepId: this.step.id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-mfa': KeywayMfa;
  }
}
