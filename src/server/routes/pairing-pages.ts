import { escapeHtml } from '../html.js';

/** The phone pages of QR pairing: plain HTML forms, no script, so any phone browser works. */

export const PAIRING_CSS = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; min-height: 100dvh; display: grid; place-items: start center; background: Canvas; color: CanvasText; }
main { width: 100%; max-width: 420px; padding: 32px 20px; box-sizing: border-box; }
h1 { font-size: 1.4rem; margin: 0 0 12px; }
p { margin: 0 0 16px; }
.muted { opacity: 0.75; }
label { display: block; font-weight: 600; margin-bottom: 8px; }
input { width: 100%; box-sizing: border-box; min-height: 52px; font: 600 1.4rem ui-monospace, monospace; letter-spacing: 0.15em; text-align: center; text-transform: uppercase; border: 1px solid color-mix(in srgb, CanvasText 35%, transparent); border-radius: 10px; background: Canvas; color: CanvasText; }
button { width: 100%; min-height: 52px; margin-top: 16px; border: 0; border-radius: 10px; background: #3f46d6; color: #fff; font: 600 1.05rem system-ui, sans-serif; }
input:focus-visible, button:focus-visible { outline: 3px solid #8f96ff; outline-offset: 2px; }
.status { padding: 12px 14px; border-radius: 10px; background: color-mix(in srgb, CanvasText 8%, transparent); }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/pair/pair.css">
</head>
<body><main>${body}</main></body>
</html>`;
}

/** Asks the person holding the phone to confirm; the secret travels in a hidden field, never in a link. */
export function confirmPage(options: { providerName: string; brandName: string; secretName: 'token' | 'code'; secret: string }): string {
  const { providerName, brandName } = options;
  return page(
    `Connect ${providerName}`,
    `<h1>Connect ${escapeHtml(providerName)} to ${escapeHtml(brandName)}?</h1>
<p>Confirm only if you started this on your computer just now.</p>
<form method="post" action="/pair/confirm">
<input type="hidden" name="${options.secretName}" value="${escapeHtml(options.secret)}">
<button type="submit">Confirm</button>
</form>`,
  );
}

export function codeEntryPage(error?: string): string {
  return page(
    'Enter your pairing code',
    `<h1>Enter the code from your computer</h1>
${error ? `<p class="status" role="alert">${escapeHtml(error)}</p>` : '<p class="muted">It is shown under the QR code, like ABCD-2345.</p>'}
<form method="post" action="/pair/review">
<label for="code">Pairing code</label>
<input id="code" name="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="12" required>
<button type="submit">Continue</button>
</form>`,
  );
}

export function donePage(providerName: string): string {
  return page('Connected', `<h1>Done</h1><p class="status" role="status">${escapeHtml(providerName)} is connected. You can go back to your computer.</p>`);
}

export function problemPage(message: string): string {
  return page('This code does not work', `<h1>This code does not work</h1><p class="status" role="alert">${escapeHtml(message)}</p><p><a href="/pair">Type a code instead</a></p>`);
}
