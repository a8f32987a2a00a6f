/**
 * The encoder core of `qrcode` (no canvas, SVG-string or PNG renderers, so the lazy
 * chunk carries only what draws the matrix). The package types only its main entry.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  import type { create } from 'qrcode';

  const core: { create: typeof create };
  export default core;
}
