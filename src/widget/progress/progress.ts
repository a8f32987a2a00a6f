import { css, html } from 'lit';
import { property } from 'lit/decorators.js';
import { t } from '../i18n/localize.js';
import { customElement, KeywayElement } from '../internal/keyway-element.js';
import { tokens } from '../theme/tokens.js';

/**
 * @summary "Step n of m": where the user is among the steps the chosen provider needs.
 *
 * @csspart base - The wrapper.
 * @csspart label - The "Step n of m" text.
 * @csspart segment - One bar per step; the done and current ones carry the `done` part too.
 */
@customElement('keyway-progress')
export class KeywayProgress extends KeywayElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
      .base {
        display: grid;
        gap: calc(var(--_space) / 2);
      }
      .label {
        color: var(--_text-muted);
        font-size: 0.8125rem;
      }
      .segments {
        display: flex;
        gap: 4px;
      }
      .segment {
        flex: 1;
        height: 4px;
        border-radius: 2px;
        background: var(--_border);
      }
      .segment.done {
        background: var(--_primary);
      }
    `,
  ];

  /** The current step, from 1. */
  @property({ type: Number }) step = 1;

  /** How many steps there are. */
  @property({ type: Number }) of = 1;

  override render() {
    const of = Math.max(1, Math.floor(this.of));
    const step = Math.min(of, Math.max(1, Math.floor(this.step)));
    const label = t('progress.label', { step, of });
    return html`
      <div
        class="base"
        part="base"
        role="progressbar"
        aria-valuemin="1"
        aria-valuemax=${of}
        aria-valuenow=${step}
        aria-valuetext=${label}
        aria-label=${label}
      >
        <span class="label" part="label" aria-hidden="true">${label}</span>
        <span class="segments" aria-hidden="true">
          ${Array.from({ length: of }, (_, index) => html`<span class="segment ${index < step ? 'done' : ''}" part=${index < step ? 'segment done' : 'segment'}></span>`)}
        </span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-progress': KeywayProgress;
  }
}
