import { expect } from '@open-wc/testing';
import React from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { KeywayConnect, KeywayWizard, type KeywayConnectElement, type KeywayWizardElement } from '../../src/react/index.js';
import { KeywayExitEvent } from '../../src/widget/events/exit.js';
import { KeywayFailureEvent } from '../../src/widget/events/failure.js';
import { KeywayStepEvent } from '../../src/widget/events/step.js';
import { KeywaySuccessEvent } from '../../src/widget/events/success.js';

const page = (name: string) => new URL(`/test/widget/pages/${name}`, location.href).href;

describe('keyway/react in Chromium', () => {
  let container: HTMLElement;
  let root: Root;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });
  afterEach(() => {
    root.unmount();
    container.remove();
  });

  function render(element: React.ReactElement): void {
    flushSync(() => root.render(element));
  }

  it('<KeywayWizard> sets its props as the element’s attributes and hands each keyway-* event to its onKeyway… prop', () => {
    const received: [string, unknown][] = [];
    const wizard = React.createRef<KeywayWizardElement>();
    render(
      React.createElement(KeywayWizard, {
        ref: wizard,
        link: 'lnk_123',
        apiBase: 'https://keyway.example.com',
        redirectDelay: 0,
        onKeywayStep: (event) => received.push(['step', event.detail.kind]),
        onKeywaySuccess: (event) => received.push(['success', event.detail.accountId]),
        onKeywayFailure: (event) => received.push(['failure', event.detail.reason]),
        onKeywayExit: (event) => received.push(['exit', event.detail.flowId]),
      }),
    );
    const element = container.querySelector('keyway-wizard');
    expect(wizard.current).to.equal(element);
    expect([element?.getAttribute('link'), element?.getAttribute('api-base'), element?.getAttribute('redirect-delay')]).to.deep.equal(['lnk_123', 'https://keyway.example.com', '0']);

    element?.dispatchEvent(new KeywayStepEvent({ kind: 'credentials', flowId: 'f1' }));
    element?.dispatchEvent(new KeywaySuccessEvent({ flowId: 'f1', accountId: 'acc_1', provider: 'DEMO' }));
    element?.dispatchEvent(new KeywayFailureEvent({ flowId: 'f1', reason: 'user_cancelled', message: 'Cancelled.' }));
    element?.dispatchEvent(new KeywayExitEvent({ flowId: 'f1' }));
    expect(received).to.deep.equal([
      ['step', 'credentials'],
      ['success', 'acc_1'],
      ['failure', 'user_cancelled'],
      ['exit', 'f1'],
    ]);
  });

  it('<KeywayConnect> opens its link when clicked and reports the silent frame through onKeywayFailure (frame_refused)', async () => {
    const connect = React.createRef<KeywayConnectElement>();
    const failure = new Promise<unknown>((resolve) => {
      render(
        React.createElement(
          KeywayConnect,
          { ref: connect, url: page('silent-wizard.html'), mode: 'inline', readyTimeoutMs: 150, onKeywayFailure: (event) => resolve(event.detail) },
          'Connect your mailbox',
        ),
      );
    });
    expect(connect.current?.textContent).to.equal('Connect your mailbox');
    connect.current?.shadowRoot?.querySelector('button')?.click();
    expect(connect.current?.shadowRoot?.querySelector('iframe')).to.exist;
    expect(await failure).to.deep.equal({ status: 'failure', reason: 'frame_refused', message: 'The wizard could not be shown in this page.' });
  });
});
