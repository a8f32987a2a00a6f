import { css } from 'lit';

/** Typography, buttons, alerts and the spinner that every step shares. */
export const sharedStyles = css`
  :host {
    display: block;
  }

  .heading {
    margin: 0 0 var(--_space);
    font-size: 1.25rem;
    line-height: 1.3;
    font-weight: 650;
    letter-spacing: -0.01em;
  }

  .heading:focus {
    outline: none;
  }

  .heading:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 4px;
    border-radius: 2px;
  }

  .intro {
    margin: 0 0 calc(var(--_space) * 3);
    color: var(--_text-muted);
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    min-height: 44px;
    padding: 0 calc(var(--_space) * 2);
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
    width: 100%;
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
    min-height: 36px;
    padding: 0 var(--_space);
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
    margin: 0 0 calc(var(--_space) * 2);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent);
    border-radius: var(--_radius-control);
    background: color-mix(in srgb, var(--_danger) 7%, var(--_surface));
    color: var(--_danger);
    font-weight: 500;
  }

  .alert svg {
    flex: none;
    width: 20px;
    height: 20px;
    margin-top: 2px;
  }

  .spinner {
    flex: none;
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 700ms linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2s;
    }
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
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
    margin: 0 0 calc(var(--_space) * 2);
  }

  .label {
    font-weight: 600;
    font-size: 0.9375rem;
  }

  .control {
    width: 100%;
    min-height: 44px;
    padding: var(--_space) calc(var(--_space) * 1.5);
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
    margin-top: calc(var(--_space) * 3);
  }
`;
