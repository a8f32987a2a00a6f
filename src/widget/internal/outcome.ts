import { css, html, nothing, type TemplateResult } from 'lit';
import { t } from '../i18n/localize.js';

/**
 * The countdown and "Continue now" button under a success or failure step.
 * `role="timer"` keeps screen readers from announcing every second.
 */
export function redirectNotice(secondsLeft: number | undefined, onContinue: () => void): TemplateResult | typeof nothing {
  if (secondsLeft === undefined) return nothing;
  return html`
    <div class="redirect" part="redirect">
      <p class="countdown" part="countdown" role="timer">${t('redirect.countdown', { seconds: secondsLeft })}</p>
      <button class="button button--primary" part="continue-button" type="button" @click=${onContinue}>
        ${t('redirect.continue')}
      </button>
    </div>
  `;
}

/** Layout of the success and failure steps; each sets `--_accent` for its icon. */
export const outcomeStyles = css`
  .outcome {
    text-align: center;
  }

  .badge-icon {
    display: inline-grid;
    place-items: center;
    width: 56px;
    height: 56px;
    margin-bottom: calc(var(--_space) * 2);
    border-radius: 50%;
    background: color-mix(in srgb, var(--_accent) 14%, transparent);
    color: var(--_accent);
  }

  .badge-icon svg {
    width: 28px;
    height: 28px;
  }

  .intro {
    margin-bottom: 0;
  }

  .redirect {
    display: grid;
    gap: calc(var(--_space) * 1.5);
    margin-top: calc(var(--_space) * 3);
  }

  .countdown {
    margin: 0;
    color: var(--_text-muted);
    font-variant-numeric: tabular-nums;
  }
`;
