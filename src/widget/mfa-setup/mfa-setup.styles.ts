import { css } from 'lit';

export const styles = css`
  :host {
    --_qr-size: var(--keyway-qr-size, 200px);
  }

  .frame {
    display: flex;
    justify-content: center;
  }

  .qr {
    display: block;
    width: min(100%, var(--_qr-size));
    height: auto;
    aspect-ratio: 1;
    border-radius: var(--_radius-control);
    /* Scanners need dark on light: the code keeps its own colours in dark mode too. */
    outline: 1px solid var(--_border);
  }

  .secret-intro {
    margin: calc(var(--_space) * 2) 0 var(--_space);
  }

  .secret-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }

  .secret {
    flex: 1 1 auto;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-radius: var(--_radius-control);
    background: var(--_surface-alt);
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    letter-spacing: 0.06em;
    overflow-wrap: anywhere;
    user-select: all;
  }

  .copy-status {
    min-height: 1.5em;
    margin: var(--_space) 0;
    font-size: 0.875rem;
    color: var(--_text-muted);
  }

  form {
    margin: 0;
  }

  keyway-code-input .alert {
    margin: calc(var(--_space) / 2) 0 0;
  }

  .skip {
    display: block;
    margin: var(--_space) auto 0;
  }
`;
