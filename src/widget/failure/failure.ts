import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { KeywayContinueEvent } from '../events/continue.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import type { FailureView } from '../internal/failure-reason.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { outcomeStyles, redirectNotice } from '../internal/outcome.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './failure.styles.js';

/**
 * @summary The failure step: why no account was connected, in the user's words.
 *
 * Accepts the server's failure step, or one the wizard builds when the link
 * itself is refused (`link_not_found`, `link_used`, `link_expired`).
 *
 * @fires keyway-continue - When the user chooses to leave now instead of waiting for the countdown.
 * @fires keyway-submit - With `{kind: 'back', stepId}` when the user tries again after a retryable failure.
 *
 * @csspart base - The step's wrapper.
 * @csspart icon - The warning mark.
 * @csspart heading - The step heading.
 * @csspart redirect - The countdown and continue button.
 * @csspart countdown - The "Redirecting in N s" line.
 * @csspart continue-button - The "Continue now" button.
 * @csspart try-again-button - "Try again", on failures the server marks retryable.
 * @csspart new-link-button - "Send me a new link", when an expired link names the host's page for one.
 *
 * @cssproperty --keyway-color-danger - The warning mark.
 * @cssproperty --keyway-color-primary - The continue button.
 */
@customElement('keyway-failure')
export class KeywayFailure extends StepElement<FailureView> {
  static override styles = [tokens, sharedStyles, outcomeStyles, styles];

  /** Seconds until the wizard redirects; the countdown is hidden when undefined. */
  @property({ type: Number, attribute: 'seconds-left' }) secondsLeft?: number;

  override render() {
    const step = this.step;
    if (!step) return nothing;
    return html`
      <div class="outcome" part="base">
        <span class="badge-icon" part="icon">${alertIcon}</span>
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t(`failure.${step.reason}.heading`)}</div>
        <p class="intro">${t(`failure.${step.reason}.body`)}</p>
        ${step.newLinkUrl
          ? html`<a class="button button--primary" part="new-link-button" href=${step.newLinkUrl} target="_top" rel="noopener">${t('failure.newLink')}</a>`
          : nothing}
        ${step.retryable
          ? html`<button class="button button--primary" part="try-again-button" type="button" ?disabled=${this.pending} @click=${this.retry}>${t('common.retry')}</button>`
          : redirectNotice(step.redirectUrl ? this.secondsLeft : undefined, () => this.emit(new KeywayContinueEvent()))}
      </div>
    `;
  }

  /** Another try: back to choosing a provider (the header's Cancel gives up instead). */
  private retry(): void {
    if (this.step && !this.pending) this.emit(new KeywaySubmitEvent({ kind: 'back', stepId: this.step.id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-failure': KeywayFailure;
  }
}
