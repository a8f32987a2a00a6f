// Opens the wizard link given in ?link= with the SDK's ESM build, in ?mode= (default modal), and
// records what the SDK reports, for the tests to read:
// - keywayResult: what open() resolved with; keywayCallbacks: [name, argument] of onSuccess/onFailure/onExit;
// - keywayEvents: every message onEvent received; rawMessages: every message event the page got, with its origin.
// ?fallback= is passed on; ?block-popups stands in for a popup blocker (window.open returns null).
import { open } from '/embed/keyway-embed.js';

const params = new URLSearchParams(location.search);
window.keywayEvents = [];
window.keywayCallbacks = [];
window.rawMessages = [];
window.addEventListener('message', (event) => window.rawMessages.push({ origin: event.origin, data: event.data }));
if (params.has('block-popups')) window.open = () => null;

document.getElementById('open').addEventListener('click', () => {
  // No await before open(): a popup must be opened while the click's user activation lasts.
  window.openedAt = Date.now();
  open(params.get('link'), {
    mode: params.get('mode') ?? 'modal',
    fallback: params.get('fallback') ?? undefined,
    container: document.getElementById('wizard'),
    onEvent: (message) => window.keywayEvents.push(message),
    onSuccess: (result) => window.keywayCallbacks.push(['success', result]),
    onFailure: (result) => window.keywayCallbacks.push(['failure', result]),
    onExit: (result) => window.keywayCallbacks.push(['exit', result]),
  }).then((result) => {
    window.keywayResult = result;
    document.title = `Host app: ${result.status}`;
  });
});
