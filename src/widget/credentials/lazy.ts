/**
 * Loads `<keyway-credentials>` on demand (as `loadQrElement()` does for the QR step), so a flow
 * that never shows a sign-in form fetches neither the form nor the rules it checks values with.
 * Resolves once the element is defined; rejects if the chunk cannot be fetched.
 */
export async function loadCredentialsElement(): Promise<void> {
  if (customElements.get('keyway-credentials')) return;
  await import('./credentials.js');
}
