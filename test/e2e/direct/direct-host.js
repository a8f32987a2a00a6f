// The host page's own script: it records what the wizard in its DOM tells it, for the test to read.
const recorded = { events: [] };
window.keywayDirect = recorded;
for (const type of ['keyway-step', 'keyway-success', 'keyway-failure']) {
  document.addEventListener(type, (event) => recorded.events.push({ type, detail: event.detail ?? null }));
}
