import { css } from 'lit';

export const styles = css`
  form {
    margin: 0;
  }

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

  keyway-code-input .alert {
    margin: calc(var(--_space) / 2) 0 0;
  }
`;
