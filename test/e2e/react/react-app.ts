// The host app's React tree, rendered to a string on its server and hydrated in the browser: keyway/react's
// two wrappers, each writing what its typed props receive into the page (React state) and into
// `window.keywayReact` for the test to read.
import { createElement as h, useState, type ReactElement } from 'react';
import { KeywayConnect, KeywayWizard } from '../../../src/react/index.js';

export interface ReactAppProps {
  keywayUrl: string;
  /** The wizard's link token. */
  link: string;
  /** A whole link URL for the button. */
  connectUrl: string;
}

export interface RecordedEvent {
  prop: string;
  type: string;
  detail: unknown;
}

function record(prop: string, event: Event & { detail?: unknown }): void {
  const sink = globalThis as { keywayReact?: RecordedEvent[] };
  (sink.keywayReact ??= []).push({ prop, type: event.type, detail: event.detail ?? null });
}

export function ReactApp({ keywayUrl, link, connectUrl }: ReactAppProps): ReactElement {
  const [wizardOutcome, setWizardOutcome] = useState('');
  const [buttonOutcome, setButtonOutcome] = useState('');
  return h(
    'main',
    null,
    h('h1', null, 'React host app'),
    link &&
      h(KeywayWizard, {
      link,
      apiBase: keywayUrl,
      redirectDelay: 60_000,
      className: 'wizard',
      onKeywayStep: (event) => record('onKeywayStep', event),
      onKeywaySuccess: (event) => {
        record('onKeywaySuccess', event);
        setWizardOutcome(`Wizard: connected ${event.detail.provider} account ${event.detail.accountId}`);
      },
      onKeywayFailure: (event) => {
        record('onKeywayFailure', event);
        setWizardOutcome(`Wizard: failed with ${event.detail.reason}`);
      },
      onKeywayExit: (event) => record('onKeywayExit', event),
    }),
    h('p', { role: 'status', 'aria-label': 'Wizard outcome' }, wizardOutcome),
    h(
      KeywayConnect,
      {
        url: connectUrl,
        mode: 'modal',
        onKeywaySuccess: (event) => {
          record('onKeywaySuccess', event);
          setButtonOutcome(`Button: ${event.detail.status} ${event.detail.provider}`);
        },
        onKeywayFailure: (event) => record('onKeywayFailure', event),
        onKeywayExit: (event) => {
          record('onKeywayExit', event);
          setButtonOutcome(`Button: ${event.detail.status}`);
        },
        onKeywayEvent: (event) => record('onKeywayEvent', event),
      },
      'Add an account',
    ),
    h('p', { role: 'status', 'aria-label': 'Button outcome' }, buttonOutcome),
  );
}
