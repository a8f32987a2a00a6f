import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { ProviderSummary, StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { chevronIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './providers.styles.js';

/**
 * @summary The providers step: one button per provider the link allows.
 *
 * @fires keyway-submit - With `{kind: 'providers', stepId, provider}` when a provider is chosen.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart list - The list of providers.
 * @csspart provider - Each provider button.
 * @csspart icon - A provider's icon, or the initial shown when it has none.
 * @csspart name - A provider's name.
 * @csspart method - How the provider signs in.
 * @csspart badge - The "Demo" badge of demo-only providers.
 *
 * @cssproperty --keyway-color-primary - Background of a provider's initial when it has no icon.
 * @cssproperty --keyway-color-border - Provider button borders.
 * @cssproperty --keyway-color-surface-alt - Provider button hover and badge background.
 * @cssproperty --keyway-radius - Corner radius (buttons use half of it).
 */
@customElement('keyway-providers')
export class KeywayProviders extends StepElement<StepOf<'providers'>> {
  static override styles = [tokens, sharedStyles, styles];

  /** The provider chosen last, so its button shows the spinner while the server answers. */
  @state() private chosen = '';

  override render() {
    const providers = this.step?.providers ?? [];
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('providers.heading')}</div>
        <p class="intro">${providers.length ? t('providers.intro') : t('providers.empty')}</p>
        <ul class="list" part="list" role="list">
          ${providers.map((provider) => html`<li>${this.renderProvider(provider)}</li>`)}
        </ul>
      </div>
    `;
  }

  private renderProvider(provider: ProviderSummary) {
    const busy = this.pending && this.chosen === provider.id;
    return html`
      <button
        class="provider"
        part="provider"
        type="button"
        data-provider=${provider.id}
        ?disabled=${this.pending}
        aria-busy=${busy ? 'true' : nothing}
        @click=${() => this.choose(provider.id)}
      >
        ${provider.icon
          ? html`<img class="icon" part="icon" src=${provider.icon} alt="" width="32" height="32" />`
          : html`<span class="icon icon--initial" part="icon" aria-hidden="true">${provider.name.charAt(0)}</span>`}
        <span class="text">
          <span class="name" part="name">
            ${provider.name}
            ${provider.demo ? html`<span class="badge" part="badge">${t('providers.demo')}</span>` : nothing}
          </span>
          <span class="method" part="method">${t(`providers.method.${provider.method}`)}</span>
        </span>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : chevronIcon}
      </button>
    `;
  }

  private choose(provider: string): void {
    if (!this.step || this.pending) return;
    this.chosen = provider;
    this.emit(new KeywaySubmitEvent({ kind: 'providers', stepId: this.step.id, provider }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-providers': KeywayProviders;
  }
}
