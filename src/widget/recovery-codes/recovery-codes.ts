import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import type { StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './recovery-codes.styles.js';

/**
 * @summary The recovery codes of a factor just set up, shown this once: a list, a download as a
 * text file, and an "I saved them" check that enables Continue.
 *
 * @fires keyway-submit - With `{kind: 'acknowledge', stepId}` when the user continues.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart code-list - The list of codes.
 * @csspart download-link - Downloads the codes as `recovery-codes.txt`.
 * @csspart saved-check - The "I have saved these codes" checkbox and its label.
 * @csspart continue-button - Continues, once the codes are saved.
 */
@customElement('keyway-recovery-codes')
export class KeywayRecoveryCodes extends StepElement<StepOf<'recovery-codes'>> {
  static override styles = [tokens, sharedStyles, styles];

  @state() private saved = false;
  @state() private downloadUrl = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.forgetDownload();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('step') || !this.step) return;
    this.forgetDownload();
    const text = `${t('recoveryCodes.fileTitle', { app: this.step.appName })}\n\n${this.step.codes.join('\n')}\n`;
    this.downloadUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('recoveryCodes.heading')}</div>
        <p class="intro">${t('recoveryCodes.intro', { app: step.appName })}</p>
        <ul class="codes" part="code-list" aria-label=${t('recoveryCodes.listLabel')} dir="ltr" translate="no">
          ${step.codes.map((code) => html`<li><code>${code}</code></li>`)}
        </ul>
        <a class="button button--secondary download" part="download-link" href=${this.downloadUrl} download="recovery-codes.txt">${t('recoveryCodes.download')}</a>
        <label class="saved" part="saved-check">
          <input type="checkbox" .checked=${this.saved} @change=${(event: Event) => (this.saved = (event.target as HTMLInputElement).checked)} />
          ${t('recoveryCodes.saved')}
        </label>
        <button class="button button--primary" part="continue-button" type="button" ?disabled=${!this.saved || this.pending} @click=${this.onContinue}>
          ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : t('recoveryCodes.continue')}
        </button>
      </div>
    `;
  }

  private forgetDownload(): void {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = '';
  }

  private onContinue(): void {
    if (this.step && this.saved && !this.pending) this.emit(new KeywaySubmitEvent({ kind: 'acknowledge', stepId: this.step.id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-recovery-codes': KeywayRecoveryCodes;
  }
}
