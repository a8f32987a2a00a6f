import { css } from 'lit';

export const styles = css`
  form {
    margin: 0;
  }

  .code {
    font-size: 1.5rem;
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.3em;
    text-align: center;
  }

  .field .alert {
    margin: calc(var(--_space) / 2) 0;
  }
`;
