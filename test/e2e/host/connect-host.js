// Points <keyway-connect> at ?link= in ?mode= and records the DOM events it fires (caught on document,
// so they must bubble out of the element) in window.connectEvents as [type, detail].
import { KeywayConnect } from '/embed/keyway-embed.js';

const params = new URLSearchParams(location.search);
const connect = document.getElementById('connect');
connect.url = params.get('link');
connect.mode = params.get('mode') ?? 'modal';
window.esmClassIsDefined = customElements.get('keyway-connect') === KeywayConnect;
window.connectEvents = [];
for (const type of ['keyway-success', 'keyway-failure', 'keyway-exit', 'keyway-event']) {
  document.addEventListener(type, (event) => window.connectEvents.push([type, event.detail]));
}
