// The browser half of the React host app: hydrates the server's markup with the same props.
import { createElement } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { ReactApp, type ReactAppProps } from './react-app.js';

const props = JSON.parse(document.getElementById('app-props')?.textContent ?? '{}') as ReactAppProps;
hydrateRoot(document.getElementById('root') as HTMLElement, createElement(ReactApp, props), {
  onRecoverableError: (error) => console.error(`hydration: ${String(error)}`),
});
