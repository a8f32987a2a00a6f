import { html } from 'lit';
import { property, query } from 'lit/decorators.js';
import { t } from '../i18n/localize.js';
import { customElement, KeywayElement } from '../internal/keyway-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './help.styles.js';

let panelCount = 0;

/**
 * @summary A "?" button that shows a short explanation next to a field or step.
 *
 * The explanation is a native popover (top layer: Escape and a click outside close it),
 * positioned with Floating UI so it flips and shifts to stay visible in small iframes and on
 * phones. Floating UI loads on first use, keeping it out of the initial bundle.
 *
 * @csspart toggle - The "?" button.
 * @csspart panel - The explanation.
 */
@customElement('keyway-help')
export class KeywayHelp extends KeywayElement {
  static override styles = [tokens, styles];

  /** The explanation. */
  @property() text = '';

  /** What the explanation is about, for the button's accessible name ("More about Username"). */
  @property() topic = '';

  @property({ type: Boolean, reflect: true }) open = false;

  @query('.toggle') private toggleButton!: HTMLButtonElement;
  @query('.panel') private panel!: HTMLElement;

  private readonly panelId = `keyway-help-${++panelCount}`;
  private stopAutoUpdate?: () => void;

  override render() {
    return html`
      <button
        class="toggle"
        part="toggle"
        type="button"
        aria-label=${t('help.label', { topic: this.topic })}
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls=${this.panelId}
        popovertarget=${this.panelId}
      >?</button>
      <div id=${this.panelId} class="panel" part="panel" popover="auto" role="note" @toggle=${this.onToggle}>${this.text}</div>
    `;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopAutoUpdate?.();
  }

  private async onToggle(event: Event): Promise<void> {
    this.open = (event as ToggleEvent).newState === 'open';
    this.stopAutoUpdate?.();
    this.stopAutoUpdate = undefined;
    if (!this.open) return;
    const { autoUpdate, computePosition, flip, offset, shift } = await import('@floating-ui/dom');
    if (!this.open) return;
    const place = async () => {
      const { x, y } = await computePosition(this.toggleButton, this.panel, {
        strategy: 'fixed',
        placement: 'bottom-start',
        middleware: [offset(8), flip({ padding: 8 }), shift({ padding: 8 })],
      });
      // CSSOM, not a style attribute: allowed under the hosted page's CSP.
      this.panel.style.setProperty('left', `${x}px`);
      this.panel.style.setProperty('top', `${y}px`);
    };
    this.stopAutoUpdate = autoUpdate(this.toggleButton, this.panel, () => void place());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-help': KeywayHelp;
  }
}
