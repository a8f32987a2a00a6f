import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Prints one closing line CI can read: `wtr: N passed, N failed, N skipped`.
 * The runner asks reporters for progress once more after `stop()`; answering only
 * then puts the line last, after the default reporter's own summary, and once. A test file that fails to load
 * (or errors outside a test) counts as one failure.
 */
function closingLineReporter() {
  const count = (sessions) => {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    const visit = (suite) => {
      for (const test of suite.tests) {
        if (test.skipped) totals.skipped += 1;
        else if (test.passed) totals.passed += 1;
        else totals.failed += 1;
      }
      for (const child of suite.suites) visit(child);
    };
    for (const session of sessions) {
      const failedBefore = totals.failed;
      if (session.testResults) visit(session.testResults);
      if (session.passed === false && totals.failed === failedBefore) totals.failed += 1;
    }
    return totals;
  };
  let ended = false;
  return {
    stop() {
      ended = true;
    },
    getTestProgress({ sessions }) {
      if (!ended) return [];
      const { passed, failed, skipped } = count(sessions);
      return [`wtr: ${passed} passed, ${failed} failed, ${skipped} skipped`];
    },
  };
}

/**
 * Serves CommonJS packages to the browser as ES modules. `nodeResolve` finds them
 * but does not convert them (Vite does, for the build); esbuild bundles each into
 * one ESM file whose default export is `module.exports`, as Vite's interop gives,
 * and whose named exports are its properties. A served package that another one
 * requires (react, for react-dom) is imported from its own served bundle, not
 * bundled again: two copies of React break its hooks.
 */
function commonjsAsEsm(specifiers) {
  const prefix = '/__commonjs__/';
  const servedUrl = (specifier) => `${prefix}${encodeURIComponent(specifier)}`;
  // Asked of a separate Node: loading React here would write to the runner's own console.
  const namedExports = async (specifier) => {
    const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, NODE_ENV: 'development' } });
    return JSON.parse(stdout).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
  };
  const bundles = new Map();
  const shareServedPackages = (entry) => ({
    name: 'share-served-packages',
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, (args) => (args.path !== entry && specifiers.includes(args.path) ? { path: args.path, namespace: 'served' } : undefined));
      esbuild.onResolve({ filter: /^\/__commonjs__\// }, (args) => ({ path: args.path, external: true }));
      esbuild.onLoad({ filter: /.*/, namespace: 'served' }, (args) => ({
        contents: `export * from ${JSON.stringify(servedUrl(args.path))};`,
        loader: 'js',
      }));
    },
  });
  const bundle = async (specifier) =>
    build({
      stdin: {
        contents: `import cjs from ${JSON.stringify(specifier)}; export default cjs; export const { ${(await namedExports(specifier)).join(', ')} } = cjs;`,
        resolveDir: process.cwd(),
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      define: { 'process.env.NODE_ENV': '"development"' },
      plugins: [shareServedPackages(specifier)],
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
  return {
    name: 'commonjs-as-esm',
    resolveImport({ source }) {
      if (specifiers.includes(source)) return servedUrl(source);
    },
    async serve(context) {
      if (!context.path.startsWith(prefix)) return undefined;
      const specifier = decodeURIComponent(context.path.slice(prefix.length));
      if (!specifiers.includes(specifier)) return undefined;
      if (!bundles.has(specifier)) bundles.set(specifier, bundle(specifier));
      return { body: await bundles.get(specifier), type: 'js' };
    },
  };
}

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  // One test file at a time: side by side, the live-flow test of the OAuth step loses its flow event under load.
  concurrency: 1,
  // A hung test should fail the run rather than stall CI.
  testFramework: { config: { timeout: 5000 } },
  // Tests run Lit in dev mode on purpose (its extra checks); its banner is noise.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  plugins: [
    commonjsAsEsm(['qrcode/lib/core/qrcode.js', 'jsqr', 'react', 'react-dom', 'react-dom/client']),
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  reporters: [defaultReporter(), closingLineReporter()],
};
