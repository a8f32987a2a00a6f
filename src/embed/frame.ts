/** Height of a framed wizard before its first `resize` message: about a providers step. */
const INITIAL_HEIGHT = 480;

/**
 * The iframe that shows the wizard, with no more power than it needs. `sandbox` keeps
 * top-level navigation, downloads, modals, pointer lock and the like from the framed page:
 * - `allow-scripts`: the wizard is a script;
 * - `allow-same-origin`: the wizard keeps its origin, so it can call its own API and keep the
 *   flow token in sessionStorage across a reload. (Scripts plus same-origin could lift the
 *   sandbox only if the frame had the host page's origin; Keyway's origin is another one.);
 * - `allow-forms`: the credential and code steps are forms;
 * - `allow-popups` and `allow-popups-to-escape-sandbox`: the OAuth step opens the provider's
 *   consent page in a popup, which must work as a normal page (no sandbox inherited).
 * `allow` grants only `clipboard-write`, for the QR step's "copy code" button.
 */
export function createFrame(url: string, title: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox');
  frame.allow = 'clipboard-write';
  frame.referrerPolicy = 'no-referrer';
  frame.title = title;
  frame.src = url;
  // The CSSOM, not a style attribute: a strict CSP (no 'unsafe-inline') allows it.
  const { style } = frame;
  style.display = 'block';
  style.border = '0';
  style.width = '100%';
  setFrameHeight(frame, INITIAL_HEIGHT);
  return frame;
}

export function setFrameHeight(frame: HTMLIFrameElement, height: number): void {
  frame.style.height = `${Math.max(0, Math.ceil(height))}px`;
}
