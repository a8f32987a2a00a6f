/**
 * The modal around a framed wizard: a native `<dialog>` opened with `showModal()`, so the
 * browser makes the rest of the page inert (focus stays inside) and closes it on Escape.
 * It lives in a shadow root whose stylesheet is adopted, not inline: a host page whose CSP
 * forbids inline styles shows it as designed.
 */
const CSS = `dialog{box-sizing:border-box;width:min(480px,100vw);max-width:100vw;max-height:100dvh;padding:8px;border:0;background:none;overflow:auto}
dialog::backdrop{background:rgb(0 0 0/.5)}
button{display:block;margin:0 0 8px auto;width:36px;height:36px;border:0;border-radius:50%;background:#fff;color:#222;font:24px/1 system-ui,sans-serif;cursor:pointer}
button:focus-visible{outline:3px solid #fff;outline-offset:2px}`;

let sheet: CSSStyleSheet | undefined;

/**
 * Shows `frame` in a modal dialog labelled `label`, locks the page's scroll, and calls
 * `onClose` when the user closes it (Escape or the close button). Returns the undo.
 */
export function openModal(frame: HTMLIFrameElement, label: string, closeLabel: string, onClose: () => void): () => void {
  const host = document.createElement('keyway-modal');
  const root = host.attachShadow({ mode: 'open' });
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  root.adoptedStyleSheets = [sheet];
  const dialog = document.createElement('dialog');
  dialog.setAttribute('aria-label', label);
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', closeLabel);
  close.onclick = () => dialog.close();
  dialog.append(close, frame);
  root.append(dialog);
  document.body.append(host);

  const { style } = document.documentElement;
  const overflow = style.overflow;
  style.overflow = 'hidden';
  dialog.addEventListener('close', onClose);
  dialog.showModal();
  return () => {
    dialog.removeEventListener('close', onClose);
    dialog.close();
    host.remove();
    style.overflow = overflow;
  };
}
