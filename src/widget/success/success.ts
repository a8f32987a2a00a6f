import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import { KeywayContinueEvent } from '../events/continue.js';
import { t } from '../i18n/localize.js';
import { checkIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { outcomeStyles, redirectNotice } from '../internal/outcome.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './success.styles.js';

/**
 * @summary The success step: the account is connected, or (a `signed-in` step) the user is signed in.
 *
 * The wizard drives the redirect countdown; this element only shows it.
 *
 * @fires keyway-continue - When the user chooses to leave now instead of waiting for the countdown.
 *
 * @csspart base - The step's wrapper.
 * @csspart icon - The check mark.
 * @csspart heading - The step heading.
 * @csspart redirect - The countdown and continue button.
 * @csspart countdown - The "Redirecting in N s" line.
 * @csspart continue-button - The "Continue now" button.
 *
 * @cssproperty --keyway-color-success - The check mark.
 * @cssproperty --keyway-color-primary - The continue button.
 */
@customElement('keyway-success')
export class KeywaySuccess extends StepElement<StepOf<'success'> | StepOf<'signed-in'>> {
  static override styles = [tokens, sharedStyles, outcomeStyles, styles];

  /** Seconds until the wizard redirects; the countdown is hidden when undefined. */
  @property({ type: Number, attribute: 'seconds-left' }) secondsLeft?: number;

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const signedIn = step.kind === 'signed-in';
    const heading = signedIn ? t('signedIn.heading') : t('success.heading');
    const body = signedIn ? t('signedIn.body', { app: step.appName }) : t('success.body', { provider: displayProviderName(step.provider, this.providerName, step.i18n?.providerName) });
    return html`
      <div class="outcome" part="base">
        <span class="badge-icon" part="icon">${checkIcon}</span>
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${heading}</div>
        <p class="intro">
          ${body} ${step.redirectUrl ? nothing : t('success.close')}
        </p>
        ${redirectNotice(step.redirectUrl ? this.secondsLeft : undefined, () => this.emit(new KeywayContinueEvent()))}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-success': KeywaySuccess;
  }
}
