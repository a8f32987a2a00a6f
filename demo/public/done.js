// The success/failure redirect target. Opened as a popup, it closes itself: the opener already has the result.
const params = new URLSearchParams(location.search);
const ok = params.get('result') === 'success';
document.getElementById('title').textContent = ok ? 'Account connected' : 'Account not connected';
document.getElementById('detail').textContent = ok ? `Account id: ${params.get('account_id') ?? '?'}` : `Reason: ${params.get('reason') ?? 'unknown'}`;
if (window.opener && !params.has('stay')) setTimeout(() => window.close(), 1500);
