import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ReactApp, type ReactAppProps } from './react-app.js';

const MANIFEST = new URL('../../../dist/widget/.vite/manifest.json', import.meta.url);

/** The built wizard's entry, as Keyway serves it under `/assets/` (run the widget build first). */
function wizardEntry(): string {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string; isEntry?: boolean }>;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('dist/widget has no entry: run npm run build:widget');
  return entry.file;
}

/** React ships CommonJS: one esbuild bundle of the client (React, keyway/react's source, the embed SDK) serves it as one module. */
async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('./react-client.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * A React host app on its own origin: `/?link=…&connect=…` is the app rendered on the server with react-dom/server
 * (keyway/react in Node, no DOM), loading the wizard from Keyway as the README says and hydrating with `/client.js`.
 */
export async function startReactHostApp(keywayUrl: string): Promise<{ origin: string; server: Server }> {
  const [entry, client] = [wizardEntry(), await bundleClient()];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname === '/client.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
      return;
    }
    // Chromium asks every origin for one; a 404 would be a console error, which the tests treat as a failure.
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname !== '/') {
      response.writeHead(404).end('not found');
      return;
    }
    const props: ReactAppProps = { keywayUrl, link: url.searchParams.get('link') ?? '', connectUrl: url.searchParams.get('connect') ?? '' };
    const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>React host app</title>
<script type="module" src="${keywayUrl}/${entry}"></script>
<script type="module" src="/client.js"></script>
</head><body><div id="root">${renderToString(createElement(ReactApp, props))}</div>
<script type="application/json" id="app-props">${escapeJson(props)}</script></body></html>`;
    response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
