/** Loads `<keyway-confirm>` on demand, when a sign-in flow first shows its confirm step. */
export async function loadConfirmElement(): Promise<void> {
  if (customElements.get('keyway-confirm')) return;
  await import('./confirm.js');
}
