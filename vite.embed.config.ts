import { defineConfig } from 'vite';

/**
 * Builds the host-page SDK (`src/embed`) as a library: `dist/embed/keyway-embed.js` (ESM, for
 * bundlers) and `dist/embed/keyway-embed.iife.js` (one classic script defining the global
 * `Keyway`). Type declarations come from `tsc -p tsconfig.embed.json`; the budget is checked by
 * `scripts/check-embed.js`.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    // Host pages run in any current browser; nothing here needs newer syntax.
    target: 'es2020',
    minify: true,
    // Vite keeps the whitespace of a library's ESM build (bundlers minify again); this file is also
    // served as is from a CDN, and the budget is min+gzip: minify it fully, as the IIFE.
    rolldownOptions: { output: { minify: true } },
    sourcemap: false,
    lib: {
      entry: 'src/embed/index.ts',
      name: 'Keyway',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'keyway-embed.js' : `keyway-embed.${format}.js`),
    },
  },
});
