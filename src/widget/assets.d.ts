/** Stylesheets imported for their side effect; Vite extracts them into the manifest's `css`. */
declare module '*.css';
