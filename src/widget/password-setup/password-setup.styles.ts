import { css } from 'lit';

export const styles = css`
  /* Present for password managers, which read it; never shown or reached with the keyboard. */
  .username {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    opacity: 0;
    pointer-events: none;
  }

  .skip {
    align-self: center;
  }
`;
