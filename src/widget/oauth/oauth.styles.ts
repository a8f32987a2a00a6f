import { css } from 'lit';

export const styles = css`
  .waiting {
    display: flex;
    align-items: center;
    gap: var(--_space);
    margin: 0 0 calc(var(--_space) * 2);
    color: var(--_text-muted);
  }
`;
