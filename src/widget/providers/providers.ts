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
import { filterProviders, nextIndex, SEARCH_THRESHOLD, shownName } from './provider-search.js';
import { searchStyles, styles } from './providers.styles.js';

/**
 * @summary The providers step: one button per provider the link allows.
 *
 * Long lists get a search box that filters as you type. The list is one tab stop:
 * arrow keys (mirrored in right-to-left layouts), Home and End move between providers.
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
 * @csspart search - The search box, shown when there are more than six providers.
 * @csspart search-input - The search field.
 * @csspart search-status - How many providers match.
 *
 * @cssproperty --keyway-color-primary - Background of a provider's initial when it has no icon.
 * @cssproperty --keyway-color-border - Provider button borders.
 * @cssproperty --keyway-color-surface-alt - Provider button hover and badge background.
 * @cssproperty --keyway-radius - Corner radius (buttons use half of it).
 */
@customElement('keyway-providers')
export class KeywayProviders extends StepElement<StepOf<'providers'>> {
  static override styles = [tokens, sharedStyles, styles, searchStyles];

  /** The provider chosen last, so its button shows the spinner while the server answers. */
  @state() private chosen = '';

  @state() private query = '';

  /** Roving tab stop: the one provider button reachable with Tab; arrows move it. */
  @state() private active = 0;

  override render() {
    const all = this.step?.providers ?? [];
    const shown = filterProviders(all, this.query);
    const active = Math.min(this.active, Math.max(0, shown.length - 1));
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('providers.heading')}</div>
        <p class="intro">${all.length ? t('providers.intro') : t('providers.empty')}</p>
        ${all.length > SEARCH_THRESHOLD ? this.renderSearch(shown.length, all.length) : nothing}
        <ul class="list" part="list" role="list" @keydown=${this.onListKeydown}>
          ${shown.map((provider, index) => html`<li>${this.renderProvider(provider, index === active)}</li>`)}
        </ul>
      </div>
    `;
  }

  private renderSearch(shown: number, total: number) {
    return html`
      <div class="search" part="search">
        <label class="visually-hidden" for="search">${t('providers.search.label')}</label>
        <input
          id="search"
          class="control"
          part="search-input"
          type="search"
          autocomplete="off"
          spellcheck="false"
          placeholder=${t('providers.search.label')}
          .value=${this.query}
          @input=${(event: Event) => this.onSearch((event.target as HTMLInputElement).value)}
          @keydown=${this.onSearchKeydown}
        />
        <p class="search-status" part="search-status" role="status">
          ${shown === 0 ? t('providers.search.none', { query: this.query.trim() }) : shown < total ? t('providers.search.count', { count: shown, total }) : nothing}
        </p>
      </div>
    `;
  }

  private renderProvider(provider: ProviderSummary, tabStop: boolean) {
    const busy = this.pending && this.chosen === provider.id;
    return html`
      <button
        class="provider"
        part="provider"
        type="button"
        data-provider=${provider.id}
        tabindex=${tabStop ? 0 : -1}
        ?disabled=${this.pending}
        aria-busy=${busy ? 'true' : nothing}
        @click=${() => this.choose(provider.id)}
      >
        ${provider.icon
          ? html`<img class="icon" part="icon" src=${provider.icon} alt="" width="32" height="32" />`
          : html`<span class="icon icon--initial" part="icon" aria-hidden="true">${shownName(provider).charAt(0)}</span>`}
        <span class="text">
          <span class="name" part="name">
            ${shownName(provider)}
            ${provider.demo ? html`<span class="badge" part="badge">${t('providers.demo')}</span>` : nothing}
          </span>
          <span class="method" part="method">${t(`providers.method.${provider.method}`)}</span>
        </span>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : chevronIcon}
      </button>
    `;
  }

  private onSearch(query: string): void {
    this.query = query;
    this.active = 0;
  }

  /** ArrowDown from the search box goes to the first match; Enter chooses it when it is the only one. */
  private onSearchKeydown(event: KeyboardEvent): void {
    const buttons = this.providerButtons();
    if (event.key === 'ArrowDown' && buttons.length > 0) {
      event.preventDefault();
      this.focusProvider(0);
    } else if (event.key === 'Enter' && buttons.length === 1) {
      event.preventDefault();
      buttons[0]?.click();
    }
  }

  private onListKeydown(event: KeyboardEvent): void {
    const buttons = this.providerButtons();
    const current = buttons.findIndex((button) => button === this.shadowRoot?.activeElement);
    if (current < 0) return;
    const rtl = getComputedStyle(this).direction === 'rtl';
    const next = nextIndex(event.key, current, buttons.length, rtl);
    if (next === undefined) return;
    event.preventDefault();
    this.focusProvider(next);
  }

  private async focusProvider(index: number): Promise<void> {
    this.active = index;
    await this.updateComplete;
    this.providerButtons()[index]?.focus();
  }

  private providerButtons(): HTMLButtonElement[] {
    return [...(this.shadowRoot?.querySelectorAll<HTMLButtonElement>('button[part="provider"]') ?? [])];
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
