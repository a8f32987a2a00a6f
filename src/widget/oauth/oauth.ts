import { html, nothing, svg, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { OAUTH_RETURN_KEY } from '../../protocol/constants.js';
import type { StepOf } from '../../protocol/index.js';
import { isHttpUrl } from '../../protocol/url-rules.js';
import { t } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './oauth.styles.js';

/*
 * The alert icon of internal/icons.ts, repeated: importing that module from this
 * lazy chunk makes Rolldown 1.2 split the initial bundle in two files (+1.4 KB gzipped).
 */
const alertIcon = svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M12 7v6M12 17h.01"/></svg>`;

/** The popup's window name: a second click reuses the same window instead of stacking new ones. */
export const OAUTH_POPUP_NAME = 'keyway-oauth';
const POPUP_WIDTH = 500;
const POPUP_HEIGHT = 650;
/** How often a popup is checked for having been closed; browsers fire no event for it. */
const CLOSED_POLL_MS = 500;

/**
 * @summary The OAuth step: opens the provider's sign-in page in a popup, or in
 * this page when popups cannot open.
 *
 * The element only opens the provider's page. The wizard learns the outcome from
 * the flow events (the server receives the provider's callback) and replaces this
 * step with the next one. If the user closes the popup first, the element says so
 * and offers the button again.
 *
 * When `window.open` returns null (a popup blocker, or a sandboxed frame without
 * `allow-popups`) the whole page goes to the provider instead. This page's address
 * is left in sessionStorage under `OAUTH_RETURN_KEY`, where the server's callback
 * page finds it to send the user back, and the wizard keeps the flow token there
 * too, so the page resumes the flow.
 *
 * The step's `help` shows in `<keyway-help>`, which the widget's entry defines.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart status - "Waiting for you to finish…" while the popup is open.
 * @csspart error - "The window was closed…" after the user closed the popup.
 * @csspart authorize-button - The "Continue with <provider>" button.
 */
@customElement('keyway-oauth')
export class KeywayOAuth extends StepElement<StepOf<'oauth'>> {
  static override styles = [tokens, sharedStyles, styles];

  /** `open` while the popup is up; `closed` once the user closed it before the flow moved on. */
  @state() private popupState: 'idle' | 'open' | 'closed' = 'idle';

  private popup: Window | null = null;
  private closedPoll?: ReturnType<typeof setInterval>;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another authorization (a new step id) starts afresh; a re-render of the same step keeps the popup.
    if (changed.has('step') && changed.get('step')?.id !== this.step?.id) this.forgetPopup();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.popup) this.watchPopup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Only stop watching: a page may move the wizard in its DOM mid-sign-in. Closing the popup once
    // the provider is done is the job of the callback page it lands on.
    clearInterval(this.closedPoll);
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const provider = displayProviderName(step.provider, this.providerName, step.i18n?.providerName);
    return html`
      <div part="base">
        <div class="heading-row">
          <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('oauth.heading', { provider })}</div>
          ${step.help ? html`<keyway-help class="help" .text=${step.help} .topic=${provider}></keyway-help>` : nothing}
        </div>
        <p class="intro">${t('oauth.intro', { provider })}</p>
        <div class="status-region" role="status" part="status">${this.popupState === 'open'
          ? html`<p class="waiting"><span class="spinner" aria-hidden="true"></span><span>${t('oauth.waiting', { provider })}</span></p>`
          : nothing}</div>
        <div role="alert">${this.popupState === 'closed'
          ? html`<p class="alert" part="error">${alertIcon}<span>${t('oauth.closed', { provider })}</span></p>`
          : nothing}</div>
        <button class="button button--primary" part="authorize-button" type="button" ?disabled=${this.pending} @click=${this.onContinue}>
          ${t('oauth.continue', { provider })}
        </button>
      </div>
    `;
  }

  /**
   * Opens the provider's page in a popup. A protected seam so tests can stand in for
   * `window.open`; it must stay synchronous, inside the click, or popup blockers refuse it.
   * No `noopener`: the element needs the window back to notice when it is closed.
   */
  protected openPopup(url: string): Window | null {
    const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - POPUP_WIDTH) / 2));
    const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - POPUP_HEIGHT) / 2));
    return window.open(url, OAUTH_POPUP_NAME, `popup,width=${POPUP_WIDTH},height=${POPUP_HEIGHT},left=${left},top=${top}`);
  }

  /** Sends this page to the provider instead (no popup possible). A protected seam for tests. */
  protected leavePage(url: string): void {
    window.location.assign(url);
  }

  private onContinue(): void {
    const url = this.step?.authorizeUrl;
    // The widget does not run the zod schemas: re-check the one value that leaves the page.
    if (this.pending || !isHttpUrl(url)) return;
    if (this.popup && !this.popup.closed) {
      this.popup.focus();
      return;
    }
    // A popup gets a copy of this tab's sessionStorage: a return address left from an
    // earlier redirect would send the popup here instead of letting it close.
    storeReturnAddress(undefined);
    const popup = this.openPopup(url);
    if (!popup) {
      storeReturnAddress(window.location.href);
      this.leavePage(url);
      return;
    }
    this.popup = popup;
    this.popupState = 'open';
    this.watchPopup();
  }

  private watchPopup(): void {
    clearInterval(this.closedPoll);
    this.closedPoll = setInterval(() => {
      if (!this.popup?.closed) return;
      clearInterval(this.closedPoll);
      this.popup = null;
      this.popupState = 'closed';
    }, CLOSED_POLL_MS);
  }

  private forgetPopup(): void {
    clearInterval(this.closedPoll);
    this.popup = null;
    this.popupState = 'idle';
  }
}

/** Sets or clears the address the OAuth callback page returns to after a full-page redirect. */
function storeReturnAddress(address: string | undefined): void {
  try {
    if (address) sessionStorage.setItem(OAUTH_RETURN_KEY, address);
    else sessionStorage.removeItem(OAUTH_RETURN_KEY);
  } catch {
    // Storage refused (a sandboxed or partitioned frame): the callback page then just says where to go.
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-oauth': KeywayOAuth;
  }
}
