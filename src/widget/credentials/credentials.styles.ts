import { css } from 'lit';

export const styles = css`
  form {
    margin: 0;
  }

  .label-row {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }

  .alert p {
    margin: 0;
  }

  select.control {
    appearance: auto;
  }

  .control[readonly] {
    cursor: progress;
  }

  /* The reveal button sits inside the field's end edge (the left one in right-to-left layouts). */
  .password {
    position: relative;
  }

  .password .control {
    padding-inline-end: 48px;
  }

  .reveal {
    position: absolute;
    inset-block: 0;
    inset-inline-end: 0;
    display: grid;
    place-items: center;
    width: 44px;
    padding: 0;
    border: 0;
    border-radius: var(--_radius-control);
    background: transparent;
    color: var(--_text-muted);
    cursor: pointer;
  }

  .reveal:hover {
    color: var(--_text);
  }

  .reveal[aria-pressed='true'] {
    color: var(--_primary);
  }

  .reveal:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: -4px;
  }
`;
