/**
 * Loads `<keyway-oauth>` on demand: the wizard calls this when an OAuth step
 * appears, so it costs the initial bundle nothing. Resolves once the element is
 * defined; rejects if the chunk cannot be fetched.
 */
export async function loadOAuthElement(): Promise<void> {
  if (customElements.get('keyway-oauth')) return;
  await import('./oauth.js');
}
