import { defineConfig } from 'vite';

/**
 * Builds the hosted wizard page's script and stylesheet. The server reads
 * `dist/widget/.vite/manifest.json` to find the entry's `file` and `css` and
 * serves `dist/widget/assets/*` at `/assets/*`.
 */
export default defineConfig({
  // Built files are referenced from `/assets/…` on the Keyway origin.
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    assetsDir: 'assets',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // The CSP allows no `data:` scripts or styles, and images only from self or data:; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      input: 'src/widget/hosted.ts',
    },
  },
});
