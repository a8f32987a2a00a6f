import { css } from 'lit';

export const styles = css`
  .list {
    display: grid;
    gap: var(--_space);
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .provider {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    width: 100%;
    min-height: 64px;
    padding: calc(var(--_space) * 1.5) calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    text-align: start;
    cursor: pointer;
    transition: background-color 120ms ease, border-color 120ms ease;
  }

  .provider:hover:not(:disabled) {
    background: var(--_surface-alt);
    border-color: var(--_text-muted);
  }

  .provider:disabled {
    cursor: not-allowed;
  }

  .provider:disabled:not([aria-busy]) {
    opacity: 0.6;
  }

  .icon {
    flex: none;
    width: 32px;
    height: 32px;
    border-radius: 8px;
    object-fit: contain;
  }

  .icon--initial {
    display: grid;
    place-items: center;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 700;
  }

  .text {
    display: grid;
    flex: 1;
    min-width: 0;
  }

  .name {
    display: flex;
    align-items: center;
    gap: var(--_space);
    font-weight: 600;
  }

  .method {
    font-size: 0.875rem;
    color: var(--_text-muted);
  }

  .badge {
    padding: 0 var(--_space);
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface-alt);
    color: var(--_text);
    font-size: 0.75rem;
    font-weight: 600;
    line-height: 20px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }

  svg {
    flex: none;
    color: var(--_text-muted);
  }
`;

export const searchStyles = css`
  .search {
    margin-block-end: var(--_space);
  }

  .search-status {
    min-height: 1.5em;
    margin: calc(var(--_space) / 2) 0 0;
    color: var(--_text-muted);
    font-size: 0.875em;
  }
`;
