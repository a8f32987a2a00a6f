/**
 * @hono/node-server's own options, measured before replacing anything: a Hono app doing what the
 * link route does at the edge (read a JSON body, answer JSON 201) under each option set, against
 * the same work on bare node:http, 64 connections each. Usage: node --import tsx bench/node-server-options.ts
 * (child mode: node --import tsx bench/node-server-options.ts serve <variant>).
 */
import { createServer } from 'node:http';
import autocannon from 'autocannon';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startUntil, stop } from './processes.js';

const VARIANTS: Record<string, { overrideGlobalObjects: boolean; autoCleanupIncoming: boolean } | 'node:http'> = {
  'defaults (overrideGlobalObjects, autoCleanupIncoming)': { overrideGlobalObjects: true, autoCleanupIncoming: true },
  'overrideGlobalObjects: false': { overrideGlobalObjects: false, autoCleanupIncoming: true },
  'autoCleanupIncoming: false': { overrideGlobalObjects: true, autoCleanupIncoming: false },
  'bare node:http': 'node:http',
};

const BODY = JSON.stringify({ type: 'create', providers: '*', api_url: 'http://127.0.0.1', success_redirect_url: 'https://app.example.com/ok' });

function serveVariant(name: string): void {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`no variant ${name}`);
  const listening = (port: number) => console.log(`listening ${port}`);
  if (variant === 'node:http') {
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString()) as { type: string };
      const text = JSON.stringify({ object: 'HostedAuthURL', url: `http://x/${parsed.type}` });
      response.writeHead(201, { 'content-type': 'application/json' }).end(text);
    });
    server.listen(0, '127.0.0.1', () => listening((server.address() as { port: number }).port));
    return;
  }
  const app = new Hono();
  app.post('/link', async (c) => {
    const parsed = JSON.parse(await c.req.text()) as { type: string };
    return c.json({ object: 'HostedAuthURL', url: `http://x/${parsed.type}` }, 201);
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', ...variant }, (info) => listening(info.port));
}

if (process.argv[2] === 'serve') {
  serveVariant(process.argv[3] as string);
} else {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
  for (const name of Object.keys(VARIANTS)) {
    const child = await startUntil('node', ['--import', 'tsx', 'bench/node-server-options.ts', 'serve', name], /^listening (\d+)/);
    const result = await autocannon({ url: `http://127.0.0.1:${child.match[1]}/link`, method: 'POST', connections: 64, duration: seconds, headers: { 'content-type': 'application/json' }, body: BODY });
    await stop(child.child);
    console.log(`${name}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, errors ${result.errors + result.timeouts}, non-2xx ${result.non2xx}`);
  }
}
