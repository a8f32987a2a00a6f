/** Loads `<keyway-profile>` on demand, when an onboarding first shows its profile step. */
export async function loadProfileElement(): Promise<void> {
  if (customElements.get('keyway-profile')) return;
  await import('./profile.js');
}
