import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const HOST_DIR = new URL('./host/', import.meta.url);

/**
 * A stand-in host app on its own origin: it serves a page that opens the wizard, the
 * success/failure redirect targets, and a real webhook receiver whose log tests can read.
 */
export async function startHostApp(): Promise<{ origin: string; server: Server }> {
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
    const file = { '/host.html': 'host.html', '/host.js': 'host.js', '/done': 'done.html' }[url.pathname];
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { 'content-type': type, 'content-security-policy': "default-src 'self'" }).end(readFileSync(new URL(file, HOST_DIR)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The host app is reached as "localhost" so its origin differs from Keyway's 127.0.0.1.
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}
