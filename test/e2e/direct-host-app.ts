import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const MANIFEST = new URL('../../dist/widget/.vite/manifest.json', import.meta.url);
const HOST_SCRIPT = new URL('./direct/direct-host.js', import.meta.url);
const FRAME_SCRIPT = new URL('./direct/frame-host.js', import.meta.url);

/** The built wizard's entry module, as Keyway serves it under `/assets/` (run the widget build first). */
function wizardEntry(): string {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string; isEntry?: boolean }>;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('dist/widget has no entry: run npm run build:widget');
  return entry.file;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A host app that places `<keyway-wizard>` in its own page (no iframe) at `/direct.html`, loading the built wizard
 * from Keyway's origin, with a CSP of its own that lets the page reach Keyway and nothing else.
 * It listens on 127.0.0.1 and is reached as `localhost` (one origin) or `127.0.0.1` (another).
 * `/frame.html` opens a link with the embed SDK, loaded from Keyway, under a CSP that may refuse Keyway's frame.
 */
export async function startDirectHostApp(keywayOrigin: string): Promise<{ port: number; server: Server }> {
  const entry = wizardEntry();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname === '/direct-host.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(HOST_SCRIPT));
      return;
    }
    if (url.pathname === '/frame-host.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(FRAME_SCRIPT));
      return;
    }
    if (url.pathname === '/frame.html') {
      // ?frames=self leaves Keyway out of frame-src; otherwise Keyway may be framed, if its frame-ancestors agree.
      const frameSrc = url.searchParams.get('frames') === 'self' ? "'self'" : `'self' ${keywayOrigin}`;
      const csp = `default-src 'self'; script-src 'self' ${keywayOrigin}; frame-src ${frameSrc}`;
      const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title><meta name="keyway" content="${escapeAttribute(keywayOrigin)}">
<script type="module" src="/frame-host.js"></script>
</head><body><main><h1>Host app</h1><button id="open" type="button" disabled>Connect an account</button><div id="wizard"></div></main></body></html>`;
      response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(page);
      return;
    }
    if (url.pathname === '/done') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Done</title><h1>Back at the host app</h1>');
      return;
    }
    if (url.pathname !== '/direct.html') {
      response.writeHead(404).end('not found');
      return;
    }
    const link = escapeAttribute(url.searchParams.get('link') ?? '');
    const csp = `default-src 'self'; script-src 'self' ${keywayOrigin}; connect-src ${keywayOrigin}; img-src 'self' data: ${keywayOrigin}; style-src 'self'`;
    const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title>
<script type="module" src="/direct-host.js"></script>
<script type="module" src="${keywayOrigin}/${entry}"></script>
</head><body><main><h1>Host app</h1>
<keyway-wizard link="${link}" api-base="${keywayOrigin}" redirect-delay="60000"></keyway-wizard>
</main></body></html>`;
    response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}
