/**
 * Loads `<keyway-mfa>` and its `<keyway-code-input>` on demand, when an MFA step first appears.
 * Resolves once the element is defined; rejects if the chunk cannot be fetched.
 */
export async function loadMfaElement(): Promise<void> {
  if (customElements.get('keyway-mfa')) return;
  await import('./mfa.js');
}
