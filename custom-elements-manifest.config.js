/**
 * `custom-elements.json` from the elements' JSDoc (@summary, @slot, @fires, @csspart, @cssproperty):
 * the host-page SDK's <keyway-connect> and the wizard's Lit elements. Run by `npm run build:manifest`.
 */
export default {
  globs: ['src/embed/**/*.ts', 'src/widget/**/*.ts'],
  // Styles, translations and type declarations define no element.
  exclude: ['src/widget/**/*.styles.ts', 'src/widget/i18n/**', 'src/**/*.d.ts'],
  outdir: 'dist',
  // The wizard's elements use a decorator named like Lit's `@customElement`.
  litelement: true,
  // Leave package.json alone: its "customElements" field is written by hand.
  packagejson: false,
};
