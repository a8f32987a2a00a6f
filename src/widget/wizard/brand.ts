import type { Brand } from '../../protocol/flow.js';

/**
 * A brand only sets theme tokens. They go on the element through the CSSOM, which
 * the hosted page's CSP allows (unlike style attributes in markup).
 */
export function applyBrand(host: HTMLElement, brand: Brand): void {
  setToken(host, '--keyway-color-primary', brand.primaryColor);
  setToken(host, '--keyway-color-on-primary', brand.primaryColor ? readableTextOn(brand.primaryColor) : undefined);
  setToken(host, '--keyway-radius', brand.radius);
}

function setToken(host: HTMLElement, name: string, value: string | undefined): void {
  if (value) host.style.setProperty(name, value);
  else host.style.removeProperty(name);
}

/** Black or white, whichever contrasts more with a `#rrggbb` brand colour (WCAG relative luminance). */
export function readableTextOn(hex: string): string {
  const channels = [1, 3, 5].map((start) => {
    const value = parseInt(hex.slice(start, start + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  const [r = 0, g = 0, b = 0] = channels;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const contrastWithWhite = 1.05 / (luminance + 0.05);
  const contrastWithBlack = (luminance + 0.05) / 0.05;
  return contrastWithWhite >= contrastWithBlack ? '#ffffff' : '#111111';
}

/**
 * The brand logo's address, or undefined when it may not be shown. Only a path on
 * Keyway's own server (resolved against `apiBase`, the flow API's origin) or a
 * `data:image/…` URL: the hosted page's CSP allows images from `'self'` and `data:`
 * only, and a third-party logo would tell another server who opens the wizard.
 */
export function logoSource(logoUrl: string | undefined, apiBase: string): string | undefined {
  if (!logoUrl) return undefined;
  if (/^data:image\/[a-z0-9.+-]+[;,]/i.test(logoUrl)) return logoUrl;
  if (!logoUrl.startsWith('/') || logoUrl.startsWith('//') || logoUrl.includes('\\')) return undefined;
  try {
    const base = new URL(apiBase || window.location.origin, window.location.href);
    const url = new URL(logoUrl, base.origin);
    return url.origin === base.origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}
