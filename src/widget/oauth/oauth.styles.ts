import { css } from 'lit';

export const styles = css`
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

  .waiting {
    display: flex;
    align-items: center;
    gap: var(--_space);
    margin: 0 0 calc(var(--_space) * 2);
    color: var(--_text-muted);
  }
`;
