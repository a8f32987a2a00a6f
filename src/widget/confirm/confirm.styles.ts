import { css } from 'lit';

export const styles = css`
  .continue {
    inline-size: 100%;
  }

  .note {
    margin: calc(var(--_space) * 2) 0 0;
    color: var(--_text-muted);
    font-size: 0.875em;
  }
`;
