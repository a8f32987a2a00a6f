// "Send a listing" and the demo inbox. The page asks only its own backend, which holds the API key.
const $ = (id) => document.getElementById(id);
const form = $('message-form');
const listingSelect = $('message-listing');
const linkInput = $('message-link');
const sentPanel = $('message-sent');
const sendStatus = $('message-status');
let listings = [];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function loadListings() {
  listings = await (await fetch('/demo/api/listings')).json();
  listingSelect.replaceChildren(...listings.map((listing) => Object.assign(el('option', '', listing.title), { value: listing.id })));
  linkInput.value = listings[0]?.link ?? '';
}

listingSelect.addEventListener('change', () => {
  linkInput.value = listings.find((listing) => listing.id === listingSelect.value)?.link ?? '';
});

function showSent(sent) {
  const facts = el('dl', 'facts');
  const status = el('dd', 'delivery', sent.delivery.status);
  for (const [term, value] of [
    ['Message id', el('dd', '', sent.messageId)],
    ['To', el('dd', '', sent.email)],
    ['Link', el('dd', '', sent.link)],
    ['Delivery', status],
  ]) {
    facts.append(el('dt', '', term), value);
  }
  sentPanel.replaceChildren(el('h3', '', 'Sent through Keyway'), facts);
  sentPanel.hidden = false;
  return status;
}

/** Asks Keyway (through the backend) for the delivery status until the mail has left or failed. */
async function followDelivery(messageId, status) {
  for (let attempt = 0; attempt < 20 && status.textContent === 'queued'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const response = await fetch(`/demo/api/messages/${encodeURIComponent(messageId)}`);
    if (!response.ok) return;
    const { delivery } = await response.json();
    status.textContent = delivery.failureReason ? `${delivery.status}: ${delivery.failureReason}` : delivery.status;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  sendStatus.textContent = '';
  const button = $('send-message');
  button.disabled = true;
  const response = await fetch('/demo/api/messages/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: $('message-email').value, subject: $('message-subject').value, message: $('message-text').value, link: linkInput.value }),
  }).finally(() => (button.disabled = false));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    sendStatus.textContent = `Not sent: ${body.error?.message ?? `the demo answered ${response.status}`}`;
    return;
  }
  followDelivery(body.messageId, showSent(body));
  refreshInbox();
});

/** A mail as its client sees it: its HTML in a sandboxed frame that runs no script; the newest open, older ones folded. */
function mailItem(mail, open) {
  const item = el('li', 'mail');
  const details = el('details');
  details.open = open;
  const summary = el('summary', 'mail-head');
  summary.append(el('strong', '', mail.subject), el('br'), `From ${mail.from} to ${mail.to} · ${new Date(mail.sentAt).toLocaleTimeString()}`);
  const frame = el('iframe', 'mail-frame');
  frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  frame.title = `Mail: ${mail.subject}`;
  // Folded mails load when opened.
  if (!open) frame.loading = 'lazy';
  frame.src = `/demo/inbox/${encodeURIComponent(mail.id)}`;
  details.append(summary, frame);
  item.append(details);
  return item;
}

let shownMail = '';
async function refreshInbox() {
  const { enabled, mails } = await (await fetch('/demo/api/inbox')).json();
  if (!enabled) $('inbox-note').textContent = 'Keyway sends mail through the SMTP server in KEYWAY_SMTP_URL, so nothing arrives here.';
  // Redrawn only when a mail arrived, so a mail being read or a link being clicked is left alone.
  const ids = mails.map((mail) => mail.id).join();
  if (ids === shownMail) return;
  shownMail = ids;
  $('inbox').replaceChildren(...mails.map((mail, index) => mailItem(mail, index === 0)));
}

loadListings();
refreshInbox();
setInterval(refreshInbox, 2000);
