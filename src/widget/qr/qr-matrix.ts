import qrcore from 'qrcode/lib/core/qrcode.js';

/** Light modules around the symbol; the QR standard asks for four so scanners find the edges on any background. */
export const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Side of the square, in modules, quiet zone included (the SVG `viewBox`). */
  size: number;
  /** One SVG path covering every dark module. */
  path: string;
}

/**
 * Encodes `payload` (error correction M, as most pairing QRs use) and traces its
 * dark modules as one path: each horizontal run of dark modules is one rectangle,
 * so the path stays short and the drawing is exact at any size.
 */
export function drawQr(payload: string): QrDrawing {
  const { modules } = qrcore.create(payload, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  let path = '';
  for (let row = 0; row < size; row += 1) {
    let column = 0;
    while (column < size) {
      if (!data[row * size + column]) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < size && data[row * size + column]) column += 1;
      const run = column - start;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
    }
  }
  return { size: size + QUIET_ZONE * 2, path };
}
