import { createFrame, setFrameHeight } from './frame.js';
import { parseHostMessage, type HostMessage } from './messages.js';
import { openModal } from './modal.js';

/** How the wizard is shown. */
export type Mode = 'inline' | 'modal' | 'popup' | 'redirect';

export interface SuccessResult {
  status: 'success';
  accountId: string;
  provider: string;
}
export interface FailureResult {
  status: 'failure';
  /**
   * `link_expired`, `user_cancelled`, `mfa_locked`, `access_denied`, `provider_error` (or a reason added later),
   * or `frame_refused`: the framed wizard never said it was ready (see `readyTimeoutMs`).
   */
  reason: string;
  message: string;
}
export interface ExitResult {
  status: 'exit';
}
export interface PopupBlockedResult {
  status: 'popup_blocked';
}
export type Result = SuccessResult | FailureResult | ExitResult | PopupBlockedResult;

export interface OpenOptions {
  /** Default `modal`. */
  mode?: Mode;
  /** `inline` only: the element the wizard's iframe is appended to. */
  container?: ParentNode;
  /** `popup` only: what to do when the browser blocks the popup. Default `modal`. */
  fallback?: 'modal' | 'none';
  /** Accessible name of the iframe and of the modal dialog. Default "Connect an account". */
  title?: string;
  /** Accessible name of the modal's close button. Default "Close". */
  closeLabel?: string;
  /**
   * `inline` and `modal`: how long the framed wizard may take to say it is ready before `open()`
   * resolves `failure` with reason `frame_refused`. A frame refused by the page's CSP (`frame-src`)
   * or by Keyway's `frame-ancestors` fires no event the page can see, so only the silence tells.
   * Default 10 000 ms; 0 waits forever.
   */
  readyTimeoutMs?: number;
  onSuccess?: (result: SuccessResult) => void;
  onFailure?: (result: FailureResult) => void;
  onExit?: (result: ExitResult) => void;
  /** Every valid message from the wizard, including `ready`, `step` and `resize`. */
  onEvent?: (message: HostMessage) => void;
}

/** How often a popup is checked for having been closed by the user. */
const POPUP_POLL_MS = 300;
const READY_TIMEOUT_MS = 10_000;

/**
 * Opens a Keyway link (the `url` of the link API's answer) and resolves with the outcome.
 *
 * - `inline`: an iframe appended to `container`; its height follows the wizard's.
 * - `modal`: the iframe in a modal `<dialog>`; Escape or the close button resolves `exit`.
 * - `popup`: a popup window; closing it resolves `exit`. **Call `open()` synchronously in the
 *   click handler** (no `await` before it): browsers block popups opened outside a user
 *   gesture. A blocked popup falls back to `modal`, or resolves `popup_blocked` with
 *   `fallback: 'none'`.
 * - `redirect`: the page leaves for the link; the outcome comes back through the link's
 *   success and failure URLs, and the promise never settles.
 *
 * A cancel inside the wizard resolves `failure` with reason `user_cancelled` (the wizard says
 * so first). Only messages from the link's origin, sent by this wizard's window, with the
 * host-message shape count; anything else is ignored. Once settled, the iframe, dialog or
 * popup is removed or closed and the listeners are gone.
 *
 * @throws TypeError when `url` is not an absolute http(s) URL, or `inline` has no container.
 */
export function open(url: string, options: OpenOptions = {}): Promise<Result> {
  const target = new URL(url);
  if (!/^https?:$/.test(target.protocol)) throw new TypeError('Keyway: the link must be an http(s) URL');
  let mode = options.mode ?? 'modal';
  const container = options.container;
  if (mode === 'inline' && !container) throw new TypeError('Keyway: inline mode needs a container');
  if (mode === 'redirect') {
    location.assign(target.href);
    return new Promise(() => {});
  }
  // Before anything asynchronous: the click's user activation is still there.
  const popup = mode === 'popup' ? window.open(target.href, 'keyway-wizard', 'popup,width=480,height=720') : null;
  if (mode === 'popup' && !popup) {
    if (options.fallback === 'none') return Promise.resolve({ status: 'popup_blocked' });
    mode = 'modal';
  }

  return new Promise((resolve) => {
    const title = options.title ?? 'Connect an account';
    const cleanups: (() => void)[] = [];
    let settled = false;
    const settle = (result: SuccessResult | FailureResult | ExitResult): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      resolve(result);
      if (result.status === 'success') options.onSuccess?.(result);
      else if (result.status === 'failure') options.onFailure?.(result);
      else options.onExit?.(result);
    };

    let frame: HTMLIFrameElement | undefined;
    let readyTimer: ReturnType<typeof setTimeout> | undefined;
    if (popup) {
      const timer = setInterval(() => popup.closed && settle({ status: 'exit' }), POPUP_POLL_MS);
      cleanups.push(() => {
        clearInterval(timer);
        popup.close();
      });
    } else {
      const created = (frame = createFrame(target.href, title));
      if (mode === 'inline') {
        container?.append(created);
        cleanups.push(() => created.remove());
      } else {
        cleanups.push(openModal(created, title, options.closeLabel ?? 'Close', () => settle({ status: 'exit' })));
      }
      const wait = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
      if (wait > 0) readyTimer = setTimeout(() => settle({ status: 'failure', reason: 'frame_refused', message: 'The wizard could not be shown in this page.' }), wait);
      cleanups.push(() => clearTimeout(readyTimer));
    }

    const onMessage = (event: MessageEvent): void => {
      // The wizard's origin and its very window: another frame of the same origin cannot speak for it.
      const source = popup ?? frame?.contentWindow;
      if (event.origin !== target.origin || !source || event.source !== source) return;
      const message = parseHostMessage(event.data);
      if (!message) return;
      // Any message proves the frame was let in; a link error, for one, comes as `failure` without `ready`.
      clearTimeout(readyTimer);
      options.onEvent?.(message);
      if (message.type === 'resize') {
        if (frame) setFrameHeight(frame, message.data.height);
      } else if (message.type === 'success') {
        settle({ status: 'success', accountId: message.data.accountId, provider: message.data.provider });
      } else if (message.type === 'failure') {
        settle({ status: 'failure', reason: message.data.reason, message: message.data.message });
      } else if (message.type === 'exit') {
        settle({ status: 'exit' });
      }
    };
    window.addEventListener('message', onMessage);
    cleanups.push(() => window.removeEventListener('message', onMessage));
  });
}
