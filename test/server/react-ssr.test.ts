import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

/**
 * keyway/react on a server: the module loads with no DOM at all (no window, document, customElements or HTMLElement;
 * the test makes sure of it) and react-dom/server renders each wrapper as its custom element with the
 * element's own attribute names, the markup the browser later hydrates.
 */
describe('keyway/react without a DOM', () => {
  it('imports with no browser global defined', async () => {
    for (const name of ['window', 'document', 'customElements', 'HTMLElement']) assert.equal(name in globalThis, false, `${name} must not exist in this test`);
    const react = await import('../../src/react/index.js');
    assert.equal(typeof react.KeywayWizard, 'object');
    assert.equal(typeof react.KeywayConnect, 'object');
    assert.equal('customElements' in globalThis, false);
  });

  it('renders <keyway-wizard> with its attributes, kebab-case as the element reads them, and no event props', async () => {
    const { KeywayWizard } = await import('../../src/react/index.js');
    const html = renderToString(
      createElement(KeywayWizard, {
        link: 'lnk_123',
        apiBase: 'https://keyway.example.com',
        redirectDelay: 5000,
        headingLevel: 1,
        theme: 'dark',
        className: 'wizard',
        id: 'connect-wizard',
        onKeywaySuccess: () => undefined,
        onKeywayStep: () => undefined,
      }),
    );
    assert.match(html, /^<keyway-wizard [^>]*><\/keyway-wizard>$/);
    for (const attribute of ['link="lnk_123"', 'api-base="https://keyway.example.com"', 'redirect-delay="5000"', 'heading-level="1"', 'theme="dark"', 'class="wizard"', 'id="connect-wizard"']) {
      assert.ok(html.includes(attribute), `${attribute} in ${html}`);
    }
    assert.doesNotMatch(html, /apiBase|redirectDelay|onKeyway|on-keyway/i);
  });

  it('renders <keyway-connect> with url, mode, fallback and ready-timeout-ms and its label as content', async () => {
    const { KeywayConnect } = await import('../../src/react/index.js');
    const html = renderToString(
      createElement(KeywayConnect, { url: 'https://keyway.example.com/connect/abc', mode: 'popup', fallback: 'none', readyTimeoutMs: 4000, onKeywayExit: () => undefined }, 'Connect your mailbox'),
    );
    assert.equal(html, '<keyway-connect url="https://keyway.example.com/connect/abc" mode="popup" fallback="none" ready-timeout-ms="4000">Connect your mailbox</keyway-connect>');
  });

  it('leaves out attributes that are not given', async () => {
    const { KeywayWizard } = await import('../../src/react/index.js');
    assert.equal(renderToString(createElement(KeywayWizard, { link: 'lnk_1', apiBase: undefined })), '<keyway-wizard link="lnk_1"></keyway-wizard>');
  });
});
