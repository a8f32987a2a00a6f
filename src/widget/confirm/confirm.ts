import { html, nothing } from 'lit';
import type { StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './confirm.styles.js';

/**
 * @summary The sign-in confirm step: "Continue as j•••@example.com".
 *
 * Opening a sign-in link only draws this step; the user's click is what signs
 * them in, so a mail scanner or a link preview that loads the page signs nobody in.
 *
 * @fires keyway-submit - With `{kind: 'confirm', stepId}` when the user continues.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart email - The masked email of the account.
 * @csspart submit-button - The "Continue" button.
 * @csspart note - What to do if this is not you.
 */
@customElement('keyway-confirm')
export class KeywayConfirm extends StepElement<StepOf<'confirm'>> {
  static override styles = [tokens, sharedStyles, styles];

  override render() {
    const step = this.step;
    if (!step) return nothing;
    return html`
      <div part="base">
        <div class="heading-row">
          <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('confirm.heading', { app: step.appName })}</div>
          ${step.help ? html`<keyway-help class="help" .text=${step.help} .topic=${step.appName}></keyway-help>` : nothing}
        </div>
        <p class="intro">${t('confirm.intro', { email: step.email })}</p>
        <button class="button button--primary continue" part="submit-button" type="button" ?disabled=${this.pending} @click=${this.onContinue}>
          ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : t('confirm.continue')}
        </button>
        <p class="note" part="note">${t('confirm.notYou')}</p>
      </div>
    `;
  }

  private onContinue(): void {
    if (this.step && !this.pending) this.emit(new KeywaySubmitEvent({ kind: 'confirm', stepId: this.step.id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-confirm': KeywayConfirm;
  }
}
