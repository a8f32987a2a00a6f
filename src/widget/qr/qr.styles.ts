import { css } from 'lit';

export const styles = css`
  :host {
    --_qr-size: var(--keyway-qr-size, 220px);
  }

  .frame {
    display: flex;
    justify-content: center;
    transition: opacity 200ms ease;
  }

  /* A dead code must not look scannable while its replacement is on the way. */
  .frame--expired {
    opacity: 0.25;
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

  .countdown {
    margin: calc(var(--_space) * 1.5) 0 0;
    text-align: center;
    color: var(--_text-muted);
    font-variant-numeric: tabular-nums;
  }

  .pairing {
    margin-top: calc(var(--_space) * 3);
    padding-top: calc(var(--_space) * 2);
    border-top: 1px solid var(--_border);
  }

  .pairing-intro {
    margin: 0 0 var(--_space);
  }

  .pairing-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }

  .pairing-code {
    flex: 1 1 auto;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-radius: var(--_radius-control);
    background: var(--_surface-alt);
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 1.25rem;
    letter-spacing: 0.08em;
    text-align: center;
    user-select: all;
  }

  .copy-status {
    min-height: 1.5em;
    margin: var(--_space) 0 0;
    font-size: 0.875rem;
    color: var(--_text-muted);
  }

  @media (prefers-reduced-motion: reduce) {
    .frame {
      transition: none;
    }
  }
`;
