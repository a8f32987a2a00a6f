import { open } from '/embed/keyway-embed.js';

const $ = (id) => document.getElementById(id);
const eventsList = $('events');
const hooksList = $('webhooks');
const connect = $('connect');
let nextLink;

function logLine(list, text) {
  const item = document.createElement('li');
  item.textContent = text;
  list.prepend(item);
}

function choice() {
  const providers = $('providers').value;
  const locale = $('locale').value;
  return { ...(providers === 'all' ? {} : { providers: [providers] }), ...(locale ? { locale } : {}) };
}

/**
 * Links are single-use and a popup must open inside the click, so the next link is fetched ahead
 * of time and the click only opens it.
 */
async function prepareLink() {
  connect.disabled = true;
  nextLink = undefined;
  const response = await fetch('/demo/api/links', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(choice()) });
  const body = await response.json();
  if (!response.ok) {
    $('result').textContent = `Could not get a link: ${body.error?.message ?? response.status}`;
    return;
  }
  nextLink = body.url;
  connect.disabled = false;
}

connect.addEventListener('click', async () => {
  if (!nextLink) return;
  // The hosted page takes ?theme= to match the host's own theme.
  const theme = $('theme').value;
  const url = theme ? `${nextLink}?theme=${theme}` : nextLink;
  $('result').textContent = '';
  const result = await open(url, {
    mode: $('mode').value,
    container: $('inline'),
    onEvent: (message) => logLine(eventsList, `${new Date().toLocaleTimeString()} ${message.type} ${JSON.stringify(message.data)}`),
  }).finally(prepareLink);
  $('result').textContent =
    result.status === 'success' ? `Connected ${result.provider}: account ${result.accountId}` : result.status === 'failure' ? `Not connected: ${result.message}` : `Closed (${result.status}).`;
});

for (const id of ['providers', 'locale']) $(id).addEventListener('change', prepareLink);
$('brand').addEventListener('change', async () => {
  await fetch('/demo/api/brand', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ brand: $('brand').value }) });
  await prepareLink();
});

async function refreshTotp() {
  const { code, secondsLeft } = await (await fetch('/demo/api/totp')).json();
  $('totp').textContent = code;
  $('totp-left').textContent = `(${secondsLeft} s left)`;
}

async function refreshWebhooks() {
  const hooks = await (await fetch('/demo/api/webhooks')).json();
  hooksList.replaceChildren(
    ...hooks.map((hook) => {
      const item = document.createElement('li');
      item.textContent = `${hook.receivedAt} signature ${hook.signature}: ${JSON.stringify(hook.event)}`;
      return item;
    }),
  );
}

prepareLink();
refreshTotp();
refreshWebhooks();
setInterval(refreshTotp, 1000);
setInterval(refreshWebhooks, 2000);
