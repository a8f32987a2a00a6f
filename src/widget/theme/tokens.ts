import { css } from 'lit';

/**
 * The public theme tokens and their light and dark defaults: the one theme file.
 *
 * Pages and brands set `--keyway-*` on `<keyway-wizard>` (or any ancestor); the
 * values inherit through every shadow root. Keyway's own styles never declare a
 * `--keyway-*` token, because a declaration on an inner element would hide the
 * inherited brand value. Instead each element resolves the token with its
 * default into a private `--_*` property on `:host` and styles use only those.
 *
 * Light or dark is chosen by the inherited `color-scheme`, through
 * `light-dark()`: `<keyway-wizard>` sets `color-scheme: light dark` (follow
 * `prefers-color-scheme`), or `light` / `dark` when its `theme` attribute
 * forces one, and every step inside inherits it. A step element used on its
 * own follows its page's `color-scheme`. Browsers without `light-dark()`
 * (before 2024) get the light theme.
 *
 * @cssproperty --keyway-color-primary - Buttons, selection and accents.
 * @cssproperty --keyway-color-on-primary - Text on primary backgrounds.
 * @cssproperty --keyway-color-text - Body text.
 * @cssproperty --keyway-color-text-muted - Secondary text (hints, intros).
 * @cssproperty --keyway-color-surface - Card and field background.
 * @cssproperty --keyway-color-surface-alt - Hover and badge background.
 * @cssproperty --keyway-color-border - Card, field and list borders.
 * @cssproperty --keyway-color-danger - Errors.
 * @cssproperty --keyway-color-success - Success icon.
 * @cssproperty --keyway-color-focus - Focus ring.
 * @cssproperty --keyway-radius - Corner radius of the card; controls use half of it, at least 4px.
 * @cssproperty --keyway-font-family - Font stack.
 * @cssproperty --keyway-space - The spacing unit (8px grid).
 */
export const tokens = css`
  :host {
    /* Each pair is (light, dark); text pairs keep at least 4.5:1 on their surface. */
    --_primary: var(--keyway-color-primary, #4f46e5);
    --_on-primary: var(--keyway-color-on-primary, #ffffff);
    --_text: var(--keyway-color-text, light-dark(#1c1f27, #e9eaf0));
    --_text-muted: var(--keyway-color-text-muted, light-dark(#555b69, #a9aebb));
    --_surface: var(--keyway-color-surface, light-dark(#ffffff, #1b1d24));
    --_surface-alt: var(--keyway-color-surface-alt, light-dark(#f3f4f7, #262934));
    --_border: var(--keyway-color-border, light-dark(#d3d6de, #3d4150));
    --_danger: var(--keyway-color-danger, light-dark(#b42318, #ff9b8f));
    --_success: var(--keyway-color-success, light-dark(#067647, #5fd39a));
    --_focus: var(--keyway-color-focus, light-dark(var(--_primary), #a5b4fc));
    --_shadow: light-dark(rgb(16 24 40 / 8%), rgb(0 0 0 / 40%));
    --_radius: var(--keyway-radius, 12px);
    --_radius-control: max(4px, calc(var(--_radius) / 2));
    --_font: var(
      --keyway-font-family,
      system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif
    );
    --_space: var(--keyway-space, 8px);

    font-family: var(--_font);
    color: var(--_text);
    line-height: 1.5;
  }

  @supports not (color: light-dark(#000, #fff)) {
    :host {
      --_text: var(--keyway-color-text, #1c1f27);
      --_text-muted: var(--keyway-color-text-muted, #555b69);
      --_surface: var(--keyway-color-surface, #ffffff);
      --_surface-alt: var(--keyway-color-surface-alt, #f3f4f7);
      --_border: var(--keyway-color-border, #d3d6de);
      --_danger: var(--keyway-color-danger, #b42318);
      --_success: var(--keyway-color-success, #067647);
      --_focus: var(--keyway-color-focus, var(--_primary));
      --_shadow: rgb(16 24 40 / 8%);
    }
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;

/** The theme a `<keyway-wizard>` is forced into with its `theme` attribute; `auto` follows the system. */
export type Theme = 'auto' | 'light' | 'dark';

/** Sets the scheme that `light-dark()` reads; the wizard's steps inherit it. */
export const themeScheme = css`
  :host {
    color-scheme: light dark;
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }
`;
