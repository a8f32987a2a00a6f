import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--_danger);
  }

  a.button {
    text-decoration: none;
  }
`;
