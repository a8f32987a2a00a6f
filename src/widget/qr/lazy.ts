/**
 * Loads `<keyway-qr>` and its encoder (about 9 KB gzipped) on demand: the wizard
 * calls this when a QR step appears, so pages that never show one never fetch it.
 * Resolves once the element is defined; rejects if the chunk cannot be fetched.
 */
export async function loadQrElement(): Promise<void> {
  if (customElements.get('keyway-qr')) return;
  await import('./qr.js');
}
