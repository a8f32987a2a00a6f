import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
  }

  .toggle {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 50%;
    background: var(--_surface);
    color: var(--_text-muted);
    font: 600 0.8125rem/1 var(--_font);
    cursor: pointer;
  }

  .toggle:hover,
  .toggle[aria-expanded='true'] {
    color: var(--_text);
    border-color: var(--_text-muted);
  }

  .toggle:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }

  /* A native popover lives in the top layer, so no ancestor's overflow or a small iframe clips it. */
  .panel {
    position: fixed;
    inset: auto;
    margin: 0;
    max-width: min(280px, calc(100vw - 16px));
    padding: calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
    font: 0.875rem/1.45 var(--_font);
  }
`;
