import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const HOST_DIR = new URL('./host/', import.meta.url);
const EMBED_DIR = new URL('../../dist/embed/', import.meta.url);
const hostFile = (name: string) => new URL(name, HOST_DIR);

/** Paths the host app serves: its pages and scripts, and the SDK's built files (run the embed build first). */
const HOST_FILES: Record<string, URL> = {
  '/host.html': hostFile('host.html'),
  '/host.js': hostFile('host.js'),
  '/done': hostFile('done.html'),
  '/embed.html': hostFile('embed.html'),
  '/embed-host.js': hostFile('embed-host.js'),
  '/embed-host.css': hostFile('embed-host.css'),
  '/connect.html': hostFile('connect.html'),
  '/connect-host.js': hostFile('connect-host.js'),
  '/forge.html': hostFile('forge.html'),
  '/forge.js': hostFile('forge.js'),
  '/embed/keyway-embed.js': new URL('keyway-embed.js', EMBED_DIR),
  '/embed/keyway-embed.iife.js': new URL('keyway-embed.iife.js', EMBED_DIR),
};

/**
 * A stand-in host app on its own origin: it serves a page that opens the wizard, pages that embed
 * it with the SDK, the success/failure redirect targets, and a real webhook receiver whose log
 * tests can read. `keywayOrigin` goes into the pages' `frame-src`; by default it is read at each
 * request from KEYWAY_E2E_URL, which global-setup sets once Keyway and this app are up.
 */
export async function startHostApp(options: { keywayOrigin?: string } = {}): Promise<{ origin: string; server: Server }> {
  const hooks: ReceivedHook[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    if (request.method === 'POST' && url.pathname === '/hooks') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        hooks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
      return;
    }
    if (url.pathname === '/hooks') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hooks));
      return;
    }
    const file = HOST_FILES[url.pathname];
    if (!file || !existsSync(file)) {
      response.writeHead(404).end(file ? 'not built: run the embed build' : 'not found');
      return;
    }
    const type = { js: 'text/javascript', css: 'text/css', html: 'text/html' }[file.pathname.split('.').pop() ?? ''] ?? 'text/html';
    // A strict CSP: no inline code; frames only from Keyway and from this app's other name (the "other site").
    const port = (server.address() as AddressInfo).port;
    const frameSources = ["'self'", options.keywayOrigin ?? process.env['KEYWAY_E2E_URL'], `http://127.0.0.1:${port}`].filter(Boolean).join(' ');
    const csp = `default-src 'self'; frame-src ${frameSources}`;
    response.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The host app is reached as "localhost" so its origin differs from Keyway's 127.0.0.1; as
  // "127.0.0.1" it is a third origin (the forged-message page).
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}
