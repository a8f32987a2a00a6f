/** Loads `<keyway-recovery-codes>` on demand, when a sign-in has just set up MFA. */
export async function loadRecoveryCodesElement(): Promise<void> {
  if (customElements.get('keyway-recovery-codes')) return;
  await import('./recovery-codes.js');
}
