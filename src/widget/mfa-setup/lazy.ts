/**
 * Loads `<keyway-mfa-setup>` on demand, with the QR encoder it shares with `<keyway-qr>`.
 * Resolves once the element is defined; rejects if the chunk cannot be fetched.
 */
export async function loadMfaSetupElement(): Promise<void> {
  if (customElements.get('keyway-mfa-setup')) return;
  await import('./mfa-setup.js');
}
