// The listing page's "Sign in as …": the backend checks the mail's token and answers where Keyway confirms it.
const button = document.getElementById('message-signin');
const status = document.getElementById('message-signin-status');

button?.addEventListener('click', async () => {
  button.disabled = true;
  status.textContent = '';
  const response = await fetch('/demo/api/messages/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: button.dataset.token }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    status.textContent = body.error?.message ?? `The demo answered ${response.status}.`;
    button.disabled = false;
    return;
  }
  location.assign(body.login_url);
});
