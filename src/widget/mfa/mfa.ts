import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tPlural } from '../i18n/localize.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './mfa.styles.js';

/**
 * @summary The MFA step: one input for the verification code, with attempts left and resend.
 *
 * @fires keyway-submit - With `{kind: 'mfa', stepId, code}` when a code of the right length is
 *   submitted, or `{kind: 'resend', stepId}` when a new code is asked for.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart label - The code's label.
 * @csspart control - The code input.
 * @csspart attempts - The "N attempts left" line.
 * @csspart error - The wrong-code or wrong-format message.
 * @csspart submit-button - The verify button.
 * @csspart resend-button - The "Send a new code" button (only when the provider can resend).
 *
 * @cssproperty --keyway-color-primary - The verify button.
 * @cssproperty --keyway-color-danger - The wrong-code message and invalid input.
 * @cssproperty --keyway-color-focus - Focus ring.
 */
@customElement('keyway-mfa')
export class KeywayMfa extends StepElement<StepOf<'mfa'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, styles];

  /** Set when the typed code has the wrong shape; the server never sees such a code. */
  @state() private formatError = false;

  @query('input') private input?: HTMLInputElement;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step')) this.formatError = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // After a wrong code the old one is useless: clear it so the next one can be typed straight away.
    if (changed.has('step') && this.step?.error === 'invalid_code' && this.input) this.input.value = '';
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const provider = displayProviderName(step.provider, this.providerName);
    const fromSource = step.method === 'sms' || step.method === 'email' ? 'mfa.instructions.sentTo' : 'mfa.instructions.from';
    const source = step.hint ?? t(`mfa.source.${step.method}`, { provider });
    const error = this.formatError
      ? t('mfa.invalidFormat', { length: step.length })
      : step.error === 'invalid_code'
        ? t('mfa.invalidCode')
        : '';
    const describedBy = ['mfa-instructions', 'mfa-attempts', error ? 'mfa-error' : ''].filter(Boolean).join(' ');
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('mfa.heading')}</div>
        <p class="intro" id="mfa-instructions">${t(fromSource, { length: step.length, source })}</p>
        <form part="form" novalidate @submit=${this.onSubmit} @input=${this.onInput} @paste=${this.onPaste}>
          <div class="field">
            <label class="label" part="label" for="code">${t('mfa.label')}</label>
            <input
              class="control code"
              part="control"
              id="code"
              name="code"
              type="text"
              inputmode="numeric"
              autocomplete="one-time-code"
              required
              minlength=${step.length}
              maxlength=${step.length}
              pattern=${`[0-9]{${step.length}}`}
              spellcheck="false"
              aria-invalid=${error ? 'true' : nothing}
              aria-describedby=${describedBy}
              ?disabled=${this.pending}
            />
            ${error
              ? html`<p class="alert" part="error" id="mfa-error" role="alert">${alertIcon}<span>${error}</span></p>`
              : nothing}
            <p class="hint" part="attempts" id="mfa-attempts">${tPlural('mfa.attemptsLeft', step.attemptsLeft)}</p>
          </div>
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : t('mfa.submit')}
            </button>
            ${step.canResend
              ? html`<button class="button button--text" part="resend-button" type="button" ?disabled=${this.pending} @click=${this.onResend}>
                  ${t('mfa.resend')}
                </button>`
              : nothing}
          </div>
        </form>
      </div>
    `;
  }

  private onInput(): void {
    const input = this.input;
    if (input && /\D/.test(input.value)) input.value = digitsOf(input.value, this.step?.length);
    this.formatError = false;
  }

  /** Codes are often copied as "123 456" or "123-456"; `maxlength` would cut those before `input` could clean them. */
  private onPaste(event: ClipboardEvent): void {
    const input = this.input;
    const text = event.clipboardData?.getData('text/plain');
    if (!input || !text || !/\D/.test(text)) return;
    event.preventDefault();
    input.value = digitsOf(text, this.step?.length);
    this.formatError = false;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    const input = this.input;
    if (!step || !input || this.pending) return;
    if (!input.checkValidity() || input.value.length !== step.length) {
      this.formatError = true;
      input.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'mfa', stepId: step.id, code: input.value }));
  }

  private onResend(): void {
    if (!this.step || this.pending) return;
    if (this.input) this.input.value = '';
    this.emit(new KeywaySubmitEvent({ kind: 'resend', stepId: this.step.id }));
  }
}

function digitsOf(text: string, length: number | undefined): string {
  return text.replace(/\D/g, '').slice(0, length);
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-mfa': KeywayMfa;
  }
}
