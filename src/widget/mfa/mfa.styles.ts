import { css } from 'lit';

export const styles = css`
  form {
    margin: 0;
  }

  keyway-code-input .alert {
    margin: calc(var(--_space) / 2) 0 0;
  }
`;
