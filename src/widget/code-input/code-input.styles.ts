import { css } from 'lit';

/* Boxes share the row and shrink on narrow screens (ten digits in a 320px iframe) rather than overflow;
   the column's minmax(0, …) lets them, since a box's intrinsic width would otherwise set its minimum. */

export const styles = css`
  :host {
    display: block;
    --_box-size: var(--keyway-code-input-box-size, 3rem);
    --_box-gap: var(--keyway-code-input-gap, var(--_space));
  }

  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--_space) / 2);
  }

  .label {
    font-weight: 600;
    font-size: 0.9375rem;
  }

  /* A code reads left to right in every script (as it does in the SMS or the authenticator app), so the
     first digit stays on the left in right-to-left pages too; the row still starts at the inline start. */
  .boxes {
    display: flex;
    gap: var(--_box-gap);
    direction: ltr;
  }

  :host(:dir(rtl)) .boxes {
    justify-content: flex-end;
  }

  .box {
    flex: 1 1 0;
    min-width: 0;
    max-width: var(--_box-size);
    min-height: 52px;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    color: var(--_text);
    font: 600 1.5rem/1 var(--_font);
    font-variant-numeric: tabular-nums;
    text-align: center;
    caret-color: var(--_focus);
  }

  .box:hover:not(:disabled) {
    border-color: var(--_text-muted);
  }

  .box:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 0;
    border-color: var(--_focus);
  }

  .box[aria-invalid='true'] {
    border-color: var(--_danger);
  }

  .box:disabled {
    opacity: 0.65;
    cursor: not-allowed;
  }

  .help-text {
    display: grid;
    gap: calc(var(--_space) / 2);
  }
`;
