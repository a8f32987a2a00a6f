import { css } from 'lit';

export const styles = css`
  form {
    margin: 0;
  }

  select.control {
    appearance: auto;
  }
`;
