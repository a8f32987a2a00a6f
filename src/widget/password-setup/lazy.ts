/** Loads `<keyway-password-setup>` on demand, when an onboarding asks a user without a password for one. */
export async function loadPasswordSetupElement(): Promise<void> {
  if (customElements.get('keyway-password-setup')) return;
  await import('./password-setup.js');
}
