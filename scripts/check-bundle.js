#!/usr/bin/env node
// Checks the built widget (run after `vite build`):
// - no decorator syntax survived (Vite 8/Oxc leaves standard decorators as is, and Chromium then throws a SyntaxError);
// - the JS a page loads up front (the entry and its static imports) stays within the gzipped budget;
// - the modules meant to load on demand (the QR step with its encoder) are not part of that initial load.
// Prints the gzipped size of every JS file, then the initial total and each lazy chunk with the module
// whose dynamic import loads it. Exits 1 on any failure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OUT_DIR = 'dist/widget';
const ENTRY = 'src/widget/hosted.ts';
const INITIAL_BUDGET_BYTES = 25_000;
const DECORATOR_PATTERNS = [/^\s*@\w+\(/m, /@customElement\(/];
/** Modules that must stay out of the initial load (DESIGN.md: "the QR encoder in a lazy chunk"). */
const ON_DEMAND = ['src/widget/qr/qr.ts'];

const failures = [];
const manifestPath = join(OUT_DIR, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(`check-bundle: ${manifestPath} is missing; run \`vite build\` first.`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entry = manifest[ENTRY];
if (!entry?.isEntry) failures.push(`${ENTRY} is not an entry of ${manifestPath}`);

const assetsDir = join(OUT_DIR, 'assets');
const jsFiles = readdirSync(assetsDir).filter((name) => name.endsWith('.js')).map((name) => `assets/${name}`);
const gzipped = new Map();
for (const file of jsFiles) {
  const code = readFileSync(join(OUT_DIR, file), 'utf8');
  gzipped.set(file, gzipSync(code, { level: 9 }).length);
  const match = DECORATOR_PATTERNS.map((pattern) => code.match(pattern)).find(Boolean);
  if (match) failures.push(`${file} contains decorator syntax: ${JSON.stringify(match[0].trim())}`);
}

// The initial load: the entry's file and, transitively, its static imports (dynamic imports load later).
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
if (entry) visit(ENTRY);

const kb = (bytes) => `${(bytes / 1000).toFixed(2)} KB`;
for (const file of jsFiles.sort()) {
  console.log(`${initial.has(file) ? 'initial' : 'lazy   '}  ${kb(gzipped.get(file)).padStart(9)} gzip  ${file}`);
}
const initialBytes = [...initial].reduce((sum, file) => sum + (gzipped.get(file) ?? 0), 0);
console.log(`initial JS: ${kb(initialBytes)} gzipped in ${initial.size} file(s) (budget ${kb(INITIAL_BUDGET_BYTES)})`);
if (initialBytes > INITIAL_BUDGET_BYTES) failures.push(`initial JS is ${kb(initialBytes)} gzipped, over the ${kb(INITIAL_BUDGET_BYTES)} budget`);

// Lazy chunks, named by the module a dynamic import asks for (a chunk's size excludes what it shares with the initial load).
const lazyChunks = Object.entries(manifest).filter(([, chunk]) => chunk.isDynamicEntry && chunk.file.endsWith('.js'));
for (const [source, chunk] of lazyChunks.sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`lazy JS: ${kb(gzipped.get(chunk.file) ?? 0).padStart(9)} gzipped  ${source} → ${chunk.file}`);
}
for (const source of ON_DEMAND) {
  const chunk = manifest[source];
  if (!chunk) failures.push(`${source} is not a chunk of its own: it must be loaded with a dynamic import`);
  else if (initial.has(chunk.file)) failures.push(`${source} is in the initial load (${chunk.file}); it must stay lazy`);
}

if (failures.length) {
  for (const failure of failures) console.error(`check-bundle: FAIL ${failure}`);
  process.exit(1);
}
console.log('check-bundle: ok');
