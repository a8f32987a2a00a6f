// Sizes (min+gzip) of what an integrator installs beside the wizard: each entry bundled on its own with
// esbuild, its peer libraries left out (jose for keyway/node is loaded only by verifyAccessToken; React for
// keyway/react, which is counted with @lit/react and the embed SDK it brings along).
// Run after `npm run build:embed` so the embed SDK's figure is the built file's.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(2)} KB`;

async function bundled(entry: string, external: string[], platform: 'node' | 'browser' = 'node'): Promise<string> {
  const target = platform === 'node' ? 'node20' : 'es2020';
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform, target, external, write: false, logLevel: 'silent' });
  return result.outputFiles[0]?.text ?? '';
}

const rows: [string, string][] = [
  ['keyway/node', await bundled('src/node/index.ts', ['jose'])],
  ['keyway/react (no React)', await bundled('src/react/index.ts', ['react', 'react-dom', 'react/*', 'react-dom/*'], 'browser')],
];
for (const [name, file] of [['keyway/embed (ESM)', 'dist/embed/keyway-embed.js'], ['keyway/embed (IIFE)', 'dist/embed/keyway-embed.iife.js']] as const) {
  if (existsSync(file)) rows.push([name, readFileSync(file, 'utf8')]);
}
for (const [name, code] of rows) console.log(`${name.padEnd(24)} ${kb(code.length).padStart(9)} min ${kb(gzipSync(code, { level: 9 }).length).padStart(9)} min+gzip`);
