import { defineConfig } from 'vite';

/**
 * Builds `keyway/react` (`src/react`) as an ES module library: `dist/react/index.js`. React, react-dom and
 * @lit/react stay imports (the app brings React; @lit/react is a dependency of this package), and the embed SDK
 * it uses for `<keyway-connect>` stays an import of `keyway/embed`, so an app that also calls `open()` loads the
 * SDK once. Type declarations come from `tsc -p tsconfig.react.json`.
 */
export default defineConfig({
  publicDir: false,
  plugins: [
    {
      name: 'embed-sdk-as-package',
      enforce: 'pre',
      resolveId(source) {
        if (source === '../embed/index.js') return { id: 'keyway/embed', external: true };
        return undefined;
      },
    },
  ],
  build: {
    outDir: 'dist/react',
    emptyOutDir: false,
    target: 'es2020',
    minify: false,
    sourcemap: false,
    lib: { entry: 'src/react/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: { external: ['react', 'react-dom', '@lit/react', /^react\//, /^react-dom\//] },
  },
});
