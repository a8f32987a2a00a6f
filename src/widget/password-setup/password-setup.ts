import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { Field, StepOf } from '../../protocol/index.js';
import { styles as formStyles } from '../credentials/credentials.styles.js';
import { renderField } from '../credentials/field.render.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tServer } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { tOnboarding } from '../internal/onboarding-words.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './password-setup.styles.js';

/**
 * @summary Onboarding's password step: a new password for a user who has none, or a skip when the
 * app made it optional.
 *
 * Loaded on demand (see `lazy.ts`). The form carries the user's email in a hidden
 * `autocomplete="username"` input next to the `new-password` one, so password managers offer a
 * strong password and save it under the right account. Only the length is checked here; the
 * server's policy (common passwords, the email inside it) answers with the reason, shown by the field.
 *
 * @fires keyway-submit - With `{kind: 'password', stepId, password}`, or `{kind: 'skip', stepId}`.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart field - The label, control, hint and error group.
 * @csspart control - The password input.
 * @csspart password-toggle - Shows or hides the password.
 * @csspart field-error - Why the password was refused.
 * @csspart submit-button - Sets the password.
 * @csspart skip-button - Goes on without a password (optional steps only).
 */
@customElement('keyway-password-setup')
export class KeywayPasswordSetup extends StepElement<StepOf<'password-setup'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, formStyles, styles];

  @state() private revealed = false;
  @state() private tooShort = false;
  @state() private edited = false;

  @query('input[name="password"]') private input?: HTMLInputElement;

  override async focusHeading(): Promise<void> {
    if (!this.step?.error) return super.focusHeading();
    await this.updateComplete;
    this.input?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('step')) return;
    this.tooShort = false;
    this.edited = false;
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const field: Field = {
      name: 'password',
      label: tOnboarding('passwordSetup.label'),
      type: 'password',
      required: true,
      minLength: step.minLength,
      autocomplete: 'new-password',
      hint: tOnboarding('passwordSetup.hint', { min: step.minLength }),
    };
    const error = this.tooShort ? tOnboarding('passwordSetup.tooShort', { min: step.minLength }) : this.edited || !step.error ? undefined : tServer(step.error, step.i18n?.error);
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${tOnboarding('passwordSetup.heading')}</div>
        <p class="intro">${tOnboarding(step.optional ? 'passwordSetup.optionalIntro' : 'passwordSetup.intro', { app: step.appName })}</p>
        <form part="form" novalidate aria-busy=${this.pending ? 'true' : 'false'} @submit=${this.onSubmit} @input=${this.onInput}>
          <input class="username" type="email" name="username" autocomplete="username" .value=${step.username} readonly tabindex="-1" aria-hidden="true" />
          ${renderField({ field, error, pending: this.pending, revealed: this.revealed, onToggleReveal: () => (this.revealed = !this.revealed) })}
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : tOnboarding('passwordSetup.submit')}
            </button>
            ${step.optional
              ? html`<button class="button button--text skip" part="skip-button" type="button" ?disabled=${this.pending} @click=${this.onSkip}>${tOnboarding('onboarding.skip')}</button>`
              : nothing}
          </div>
        </form>
      </div>
    `;
  }

  private onInput(): void {
    this.edited = true;
    if (this.tooShort && [...(this.input?.value ?? '')].length >= (this.step?.minLength ?? 0)) this.tooShort = false;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    const password = this.input?.value ?? '';
    if (!step || this.pending) return;
    // Counted in code points, as the server counts them.
    if ([...password].length < step.minLength) {
      this.tooShort = true;
      this.input?.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'password', stepId: step.id, password }));
  }

  private onSkip(): void {
    if (this.step && !this.pending) this.emit(new KeywaySubmitEvent({ kind: 'skip', stepId: this.step.id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-password-setup': KeywayPasswordSetup;
  }
}
