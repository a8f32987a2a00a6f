import { css } from 'lit';

/*
 * Logical properties only (inline/block, start/end), so an Arabic flow
 * (`dir="rtl"` on the host) mirrors the card without a second stylesheet.
 */
export const styles = css`
  :host {
    display: block;
    inline-size: 100%;
    max-inline-size: 440px;
    margin-inline: auto;
  }

  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow:
      0 1px 2px var(--_shadow),
      0 8px 24px var(--_shadow);
    overflow: hidden;
  }

  .header {
    display: grid;
    /* The brand stays centred: both sides take the same share, whatever their words. */
    grid-template-columns: 1fr minmax(0, auto) 1fr;
    align-items: center;
    gap: var(--_space);
    min-block-size: 56px;
    padding-block: var(--_space);
    padding-inline: calc(var(--_space) * 1.5);
    border-block-end: 1px solid var(--_border);
  }

  .header-start {
    justify-self: start;
  }

  .header-end {
    justify-self: end;
  }

  .nav {
    gap: calc(var(--_space) / 2);
    padding-inline: calc(var(--_space) / 2) var(--_space);
    text-decoration: none;
    color: var(--_text-muted);
    white-space: nowrap;
  }

  .header-end .nav {
    padding-inline: var(--_space);
  }

  .nav:hover:not(:disabled) {
    color: var(--_text);
  }

  .brand {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    min-inline-size: 0;
    font-weight: 650;
  }

  .brand-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .logo {
    display: block;
    flex: none;
    block-size: 28px;
    inline-size: auto;
    max-inline-size: 140px;
    object-fit: contain;
  }

  .progress {
    padding-block: calc(var(--_space) * 1.5) 0;
    padding-inline: calc(var(--_space) * 3);
  }

  /* Steps differ in height; a floor keeps short ones (success, failure) from shrinking the card. */
  .body {
    min-block-size: 24rem;
    padding-block: calc(var(--_space) * 3) calc(var(--_space) * 4);
    padding-inline: calc(var(--_space) * 3);
  }

  .alert-region:empty {
    display: none;
  }

  .retry {
    margin-block: 0 calc(var(--_space) * 3);
  }

  .loading {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    min-block-size: 160px;
    color: var(--_text-muted);
  }

  .loading .spinner {
    inline-size: 1.5rem;
    block-size: 1.5rem;
  }

  @media (max-width: 480px) {
    .header {
      padding-inline: var(--_space);
    }

    .progress {
      padding-inline: calc(var(--_space) * 2);
    }

    .body {
      padding-block: calc(var(--_space) * 2) calc(var(--_space) * 3);
      padding-inline: calc(var(--_space) * 2);
    }
  }
`;
