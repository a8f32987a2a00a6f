import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    max-width: 440px;
    margin-inline: auto;
  }

  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow:
      0 1px 2px rgb(16 24 40 / 6%),
      0 8px 24px rgb(16 24 40 / 8%);
    overflow: hidden;
  }

  .header {
    display: grid;
    grid-template-columns: 1fr auto 1fr;
    align-items: center;
    gap: var(--_space);
    min-height: 56px;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-bottom: 1px solid var(--_border);
  }

  .header-end {
    justify-self: end;
  }

  .nav {
    gap: calc(var(--_space) / 2);
    text-decoration: none;
    color: var(--_text-muted);
  }

  .nav:hover:not(:disabled) {
    color: var(--_text);
  }

  .brand {
    display: flex;
    align-items: center;
    gap: var(--_space);
    min-width: 0;
    font-weight: 650;
  }

  .brand-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .logo {
    flex: none;
    border-radius: 4px;
    object-fit: contain;
  }

  .body {
    padding: calc(var(--_space) * 3) calc(var(--_space) * 3) calc(var(--_space) * 4);
  }

  .progress {
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3) 0;
  }

  .progress + .body {
    padding-block-start: calc(var(--_space) * 2);
  }

  .alert-region:empty {
    display: none;
  }

  .retry {
    margin: 0 0 calc(var(--_space) * 3);
  }

  .loading {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    min-height: 160px;
    color: var(--_text-muted);
  }

  .unsupported {
    margin: 0;
    color: var(--_text-muted);
  }

  @media (max-width: 480px) {
    .body {
      padding: calc(var(--_space) * 2) calc(var(--_space) * 2) calc(var(--_space) * 3);
    }
  }
`;
