import { css } from 'lit';

/**
 * Typography, buttons, alerts and the spinner that every step shares. Logical
 * properties only (inline/block), so that right-to-left languages mirror.
 */
export const sharedStyles = css`
  :host {
    display: block;
  }

  .heading {
    margin-block: 0 var(--_space);
    margin-inline: 0;
    font-size: 1.25rem;
    line-height: 1.3;
    font-weight: 650;
    letter-spacing: -0.01em;
  }

  /*
   * The wizard moves focus to a new step's heading so that screen readers read it;
   * the heading is a reading position, not a control, so it draws no focus ring.
   */
  .heading:focus,
  .heading:focus-visible {
    outline: none;
  }

  /* A step heading with its help button at the end of the line. */
  .heading-row {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--_space);
  }

  .help {
    flex: none;
    margin-top: 2px;
  }

  .intro {
    margin-block: 0 calc(var(--_space) * 3);
    margin-inline: 0;
    color: var(--_text-muted);
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    min-block-size: 44px;
    padding-block: 0;
    padding-inline: calc(var(--_space) * 2);
    border: 1px solid transparent;
    border-radius: var(--_radius-control);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    transition: background-color 120ms ease, border-color 120ms ease, filter 120ms ease;
  }

  .button:disabled {
    cursor: not-allowed;
    opacity: 0.65;
  }

  .button--primary {
    inline-size: 100%;
    background: var(--_primary);
    color: var(--_on-primary);
  }

  .button--primary:hover:not(:disabled) {
    filter: brightness(1.08);
  }

  .button--secondary {
    background: var(--_surface);
    color: var(--_text);
    border-color: var(--_border);
  }

  .button--secondary:hover:not(:disabled) {
    background: var(--_surface-alt);
  }

  .button--text {
    min-block-size: 36px;
    padding-block: 0;
    padding-inline: var(--_space);
    background: transparent;
    color: var(--_text);
    text-decoration: underline;
    text-underline-offset: 3px;
    font-weight: 500;
  }

  .button--text:hover:not(:disabled) {
    background: var(--_surface-alt);
  }

  .alert {
    display: flex;
    gap: var(--_space);
    margin-block: 0 calc(var(--_space) * 2);
    margin-inline: 0;
    padding-block: var(--_space);
    padding-inline: calc(var(--_space) * 1.5);
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent);
    border-radius: var(--_radius-control);
    background: color-mix(in srgb, var(--_danger) 7%, var(--_surface));
    color: var(--_danger);
    font-weight: 500;
  }

  .alert svg {
    flex: none;
    inline-size: 20px;
    block-size: 20px;
    margin-block-start: 2px;
  }

  .spinner {
    flex: none;
    inline-size: 1em;
    block-size: 1em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 700ms linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  /* Arrows and chevrons point the way the text reads. */
  .flip-rtl:dir(rtl) {
    transform: scaleX(-1);
  }

  /*
   * Reduced motion: no transitions or animations. The spinner is the one
   * exception, because a still ring no longer says "busy"; it turns slowly.
   */
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }

    .spinner {
      animation: spin 2.4s linear infinite !important;
    }
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** Labels, inputs, hints and field errors of the credential and code forms. */
export const fieldStyles = css`
  .field {
    display: grid;
    gap: calc(var(--_space) / 2);
    margin-block: 0 calc(var(--_space) * 2);
    margin-inline: 0;
  }

  .label {
    font-weight: 600;
    font-size: 0.9375rem;
  }

  .control {
    inline-size: 100%;
    min-block-size: 44px;
    padding-block: var(--_space);
    padding-inline: calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }

  .control:hover {
    border-color: var(--_text-muted);
  }

  .control:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 0;
    border-color: var(--_focus);
  }

  .control[aria-invalid='true'] {
    border-color: var(--_danger);
  }

  .hint {
    margin: 0;
    font-size: 0.875rem;
    color: var(--_text-muted);
  }

  .field-error {
    margin: 0;
    font-size: 0.875rem;
    font-weight: 500;
    color: var(--_danger);
  }

  .actions {
    display: grid;
    gap: var(--_space);
    margin-block-start: calc(var(--_space) * 3);
  }
`;
