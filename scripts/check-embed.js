#!/usr/bin/env node
// Checks the built host-page SDK (run after `vite build -c vite.embed.config.ts` and `tsc -p tsconfig.embed.json`):
// - the ESM and IIFE files stay within the min+gzip budget (DESIGN.md: embed SDK ≤ 2.5 KB);
// - they are self-contained (no import of lit or anything else) and the IIFE defines the global `Keyway`;
// - nothing a strict host CSP or Trusted Types would refuse: no eval, no `new Function`, no innerHTML;
// - no decorator syntax survived (see check-bundle.js);
// - the type declarations exist.
// Prints each file's size and exits 1 on any failure.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 2_500;
const FILES = { esm: 'dist/embed/keyway-embed.js', iife: 'dist/embed/keyway-embed.iife.js' };
const TYPES = 'dist/embed/types/embed/index.d.ts';
const FORBIDDEN = [
  [/\bimport\s*[({'"`\w]/, 'an import (the SDK must be one self-contained file)'],
  [/\brequire\(/, 'a require()'],
  [/\beval\(|new Function\(/, 'eval or new Function (refused by a CSP without unsafe-eval)'],
  [/\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML/, 'HTML parsing from strings (refused under Trusted Types)'],
  [/^\s*@\w+\(/m, 'decorator syntax'],
];

const failures = [];
const kb = (bytes) => `${(bytes / 1000).toFixed(2)} KB`;
for (const [format, file] of Object.entries(FILES)) {
  if (!existsSync(file)) {
    failures.push(`${file} is missing; run the embed build first`);
    continue;
  }
  const code = readFileSync(file, 'utf8');
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`${format.padEnd(4)}  ${kb(code.length).padStart(8)} min  ${kb(gzipped).padStart(8)} min+gzip  ${file}`);
  if (gzipped > BUDGET_BYTES) failures.push(`${file} is ${kb(gzipped)} min+gzip, over the ${kb(BUDGET_BYTES)} budget`);
  for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) failures.push(`${file} contains ${what}: ${JSON.stringify(code.match(pattern)[0])}`);
  if (format === 'iife' && !/^var Keyway\s*=/.test(code)) failures.push(`${file} does not define the global Keyway`);
  if (format === 'esm' && !/export\s*\{[^}]*\bas open\b|export\s*\{[^}]*\bopen\b/.test(code)) failures.push(`${file} does not export open`);
}
if (!existsSync(TYPES)) failures.push(`${TYPES} is missing; run tsc -p tsconfig.embed.json`);

if (failures.length) {
  for (const failure of failures) console.error(`check-embed: FAIL ${failure}`);
  process.exit(1);
}
console.log(`check-embed: ok (budget ${kb(BUDGET_BYTES)} min+gzip)`);
