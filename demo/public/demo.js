const keywayOrigin = location.origin;
const eventsList = document.getElementById('events');
const hooksList = document.getElementById('webhooks');

function logLine(list, text) {
  const item = document.createElement('li');
  item.textContent = text;
  list.prepend(item);
}

// Only messages from the wizard's origin, in the Keyway host-message shape, are trusted.
window.addEventListener('message', (event) => {
  if (event.origin !== keywayOrigin || event.data?.keyway !== 1) return;
  logLine(eventsList, `${new Date().toLocaleTimeString()} ${event.data.type} ${JSON.stringify(event.data.data)}`);
});

document.getElementById('connect').addEventListener('click', async () => {
  // Opened inside the click so no popup blocker stops it; the link arrives a moment later.
  const popup = window.open('about:blank', 'keyway-wizard', 'popup,width=480,height=720');
  const response = await fetch('/demo/api/links', { method: 'POST' });
  const body = await response.json();
  if (!response.ok) {
    popup?.close();
    logLine(eventsList, `link request failed: ${body.error?.message ?? response.status}`);
    return;
  }
  if (popup) popup.location.href = body.url;
  else location.href = body.url;
});

async function refreshTotp() {
  const { code, secondsLeft } = await (await fetch('/demo/api/totp')).json();
  document.getElementById('totp').textContent = code;
  document.getElementById('totp-left').textContent = `(${secondsLeft} s left)`;
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

refreshTotp();
refreshWebhooks();
setInterval(refreshTotp, 1000);
setInterval(refreshWebhooks, 2000);
