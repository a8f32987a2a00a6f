// "Sign in to Acme CRM": the page only asks its own backend, which holds the tokens; nothing here sees one whole.
const $ = (id) => document.getElementById(id);
const status = $('signin-status');
const panel = $('signed-in');
let loginUrl;

const postJson = (path, body = {}) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const clock = (iso) => new Date(iso).toLocaleTimeString();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function person() {
  return { email: $('signin-email').value.trim() };
}

async function failed(response, what) {
  const body = await response.json().catch(() => ({}));
  status.textContent = `${what}: ${body.error?.message ?? `the demo answered ${response.status}`}`;
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  status.textContent = '';
  const response = await postJson('/demo/api/signin/login-url', person());
  if (!response.ok) return failed(response, 'No login URL');
  const body = await response.json();
  loginUrl = body.login_url;
  $('login-url-for').textContent = `Login URL for ${body.email}, single-use, valid until ${clock(body.expires_at)}. Acme CRM would mail it; here you open it:`;
  $('login-url-text').textContent = loginUrl;
  $('login-url').hidden = false;
});

// The wizard is a page of its own, framed by no one: the whole page goes there and comes back through the callback.
$('open-login-url').addEventListener('click', () => {
  if (loginUrl) location.assign(loginUrl);
});

$('oidc').addEventListener('click', async () => {
  if (!$('signin-form').reportValidity()) return;
  status.textContent = '';
  const response = await postJson('/demo/api/signin/signup', person());
  if (!response.ok) return failed(response, 'Could not sign the address up');
  location.assign('/demo/auth/start');
});

function claimsBlock(title, claims) {
  const block = el('div', 'claims');
  block.append(el('h4', '', title), el('pre', 'json', JSON.stringify(claims, null, 2)));
  return block;
}

function signedInNodes(view) {
  const nodes = [];
  const who = el('p', 'who');
  if (view.user) {
    who.append(el('strong', '', view.user.name), ` ${view.user.email}`);
  } else {
    who.append(el('strong', '', 'Keyway refused the access token'), ` (${view.user_refused}); a local check still accepts it until it expires.`);
  }
  who.append(el('span', 'hint', ` · via ${view.method === 'login_url' ? 'login URL' : 'OpenID Connect'}`));
  const { verified, reason } = view.verification;
  const check = el('p', verified ? 'check ok' : 'check bad', verified ? 'Access token verified against the JWKS ✓' : `Access token not verified against the JWKS ✗ ${reason}`);
  const facts = el('dl', 'facts');
  const refreshed = view.refreshes === 0 ? '' : ` (refreshed ${view.refreshes}×)`;
  for (const [term, value] of [
    ['Access token', view.access_token.preview],
    ['Expires', `${clock(view.access_token.expires_at)}${refreshed}`],
    ['Header', JSON.stringify(view.access_token.header)],
  ]) {
    facts.append(el('dt', '', term), el('dd', '', value));
  }
  const claims = el('div', 'claims-row');
  claims.append(claimsBlock('Access token claims', view.access_token.claims));
  if (view.id_token_claims) claims.append(claimsBlock('ID token claims', view.id_token_claims));
  const buttons = el('div', 'buttons');
  const refresh = el('button', '', 'Refresh');
  refresh.type = 'button';
  refresh.addEventListener('click', () => act('/demo/api/signin/refresh', refresh));
  const signOut = el('button', 'secondary', 'Sign out');
  signOut.type = 'button';
  signOut.addEventListener('click', () => act('/demo/api/signin/logout', signOut));
  buttons.append(refresh, signOut);
  nodes.push(who, check, facts, claims, buttons);
  return nodes;
}

function render(view) {
  const nodes = [];
  if (view.error) {
    const problem = el('p', 'problem', view.error);
    problem.setAttribute('role', 'alert');
    nodes.push(problem);
  }
  nodes.push(...(view.signed_in ? signedInNodes(view) : [el('p', 'hint', 'Nobody is signed in.')]));
  panel.replaceChildren(...nodes);
}

async function act(path, button) {
  button.disabled = true;
  const response = await postJson(path);
  if (!response.ok) {
    await failed(response, 'Refused');
    button.disabled = false;
    return;
  }
  render(await response.json());
}

async function loadSession() {
  render(await (await fetch('/demo/api/signin/session')).json());
  // Back from the callback: the panel was drawn after the browser scrolled to #signin, so scroll again.
  if (location.hash === '#signin') $('signin').scrollIntoView();
}

loadSession();
