import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--_success);
  }
`;
