import { css } from 'lit';

export const styles = css`
  .codes {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
    gap: calc(var(--_space) / 2) var(--_space);
    margin: 0 0 calc(var(--_space) * 2);
    padding: calc(var(--_space) * 1.5);
    border-radius: var(--_radius-control);
    background: var(--_surface-alt);
    list-style: none;
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
  }

  .download {
    text-decoration: none;
  }

  .saved {
    display: flex;
    align-items: center;
    gap: var(--_space);
    min-block-size: 44px;
    margin-block: calc(var(--_space) * 2);
    cursor: pointer;
  }

  .saved input {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin: 0;
    accent-color: var(--_primary);
  }
`;
