// "Sign in to Acme CRM": the page only asks its own backend, which holds the tokens; nothing here sees one whole.
const $ = (id) => document.getElementById(id);
const status = $('signin-status');
const panel = $('signed-in');
const mfa = $('mfa');
const METHODS = { login_url: 'login URL', openid_connect: 'OpenID Connect', password: 'password', user_token: 'user token', message_token: 'message token' };
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

function withPassword() {
  return { ...person(), password: $('signin-password').value };
}

$('set-password').addEventListener('click', async () => {
  if (!$('signin-form').reportValidity()) return;
  status.textContent = '';
  const response = await postJson('/demo/api/signin/password', withPassword());
  if (!response.ok) return failed(response, 'Password refused');
  status.textContent = `Password set for ${(await response.json()).email}; it ended that user's sessions.`;
});

$('password-grant').addEventListener('click', async () => {
  if (!$('signin-form').reportValidity()) return;
  status.textContent = '';
  const response = await postJson('/demo/api/signin/password-grant', withPassword());
  if (!response.ok) return failed(response, 'Password sign-in refused');
  mfa.replaceChildren();
  render(await response.json());
});

async function userTokenLogin(onboarding) {
  if (!$('signin-form').reportValidity()) return;
  status.textContent = '';
  const response = await postJson('/demo/api/signin/user-token', { ...person(), ...(onboarding ? { onboarding: true } : {}) });
  if (!response.ok) return failed(response, 'No user token');
  location.assign((await response.json()).login_url);
}

$('user-token').addEventListener('click', () => userTokenLogin(false));
$('user-token-onboarding').addEventListener('click', () => userTokenLogin(true));

function button(text, className, onClick) {
  const node = el('button', className, text);
  node.type = 'button';
  node.addEventListener('click', () => onClick(node));
  return node;
}

async function setUpMfa(trigger) {
  trigger.disabled = true;
  const response = await postJson('/demo/api/signin/mfa/setup');
  trigger.disabled = false;
  if (!response.ok) return failed(response, 'MFA setup refused');
  const { qr_code: qrCode, secret, code } = await response.json();
  const qr = el('img');
  qr.src = qrCode;
  qr.alt = 'QR code of the MFA secret, for an authenticator app';
  const verify = button('Verify', '', async (node) => {
    node.disabled = true;
    const answer = await postJson('/demo/api/signin/mfa/verify', { token: code });
    if (!answer.ok) {
      node.disabled = false;
      return failed(answer, 'MFA not verified');
    }
    const body = await answer.json();
    const list = el('ol', 'recovery');
    list.append(...body.recovery_codes.map((recovery) => el('li', '', recovery)));
    mfa.replaceChildren(el('h4', '', 'MFA is on. Recovery codes, shown this once:'), list);
    render(body.session);
  });
  mfa.replaceChildren(
    el('h4', '', 'Set up MFA'),
    qr,
    el('p', '', `Secret: ${secret}`),
    el('p', 'code-line', `Demo authenticator: ${code}`),
    verify,
  );
}

function claimsBlock(title, claims) {
  const block = el('div', 'claims');
  block.append(el('h4', '', title), el('pre', 'json', JSON.stringify(claims, null, 2)));
  return block;
}

function signedInNodes(view) {
  const nodes = [];
  const who = el('p', 'who');
  const mfaButtons = [];
  if (view.user) {
    who.append(el('strong', '', view.user.name), ` ${view.user.email}`);
    if (view.mfa_enabled === false) mfaButtons.push(button('Set up MFA', 'secondary', setUpMfa));
    if (view.mfa_enabled) mfaButtons.push(button('Remove MFA', 'secondary', (node) => act('/demo/api/signin/mfa/remove', node)));
  } else if (view.mfa_required) {
    who.append(el('strong', '', 'MFA required: validate'), ' (GET /users/self answers 401 mfa_required until this session shows a code).');
    mfaButtons.push(button('Validate with the demo authenticator', '', (node) => act('/demo/api/signin/mfa/validate', node)));
  } else {
    who.append(el('strong', '', 'Keyway refused the access token'), ` (${view.user_refused}); a local check still accepts it until it expires.`);
  }
  who.append(el('span', 'hint', ` · via ${METHODS[view.method] ?? view.method}`));
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
  buttons.append(
    button('Refresh', '', (node) => act('/demo/api/signin/refresh', node)),
    button('Sign out', 'secondary', (node) => act('/demo/api/signin/logout', node)),
    ...mfaButtons,
  );
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

async function act(path, trigger) {
  trigger.disabled = true;
  const response = await postJson(path);
  if (!response.ok) {
    await failed(response, 'Refused');
    trigger.disabled = false;
    return;
  }
  status.textContent = '';
  render(await response.json());
}

async function loadSession() {
  render(await (await fetch('/demo/api/signin/session')).json());
  // Back from the callback: the panel was drawn after the browser scrolled to #signin, so scroll again.
  if (location.hash === '#signin') $('signin').scrollIntoView();
}

loadSession();
