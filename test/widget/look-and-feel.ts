import { fixture, waitUntil } from '@open-wc/testing';
import type { Flow } from '../../src/protocol/index.js';
import { fakeFlowApi, json, type RecordingWizard } from './fake-server.js';
import { credentialsStep, failureStep, flowWith, mfaStep, providersStep, successStep } from './fixtures.js';

/** Shared by the language and theme tests: a wizard on a fake flow API, and ways to read what it shows. */

export const LINK = 'link_look_and_feel_0123';

const { hint: _serverHint, ...mfaWithoutHint } = mfaStep;

/**
 * One flow per step kind the issue lists, with the tag that draws it. The MFA step has no
 * server hint, so its instructions come wholly from the tables.
 */
export const STEP_FLOWS: ReadonlyArray<{ kind: string; tag: string; step: Flow['step'] }> = [
  { kind: 'providers', tag: 'keyway-providers', step: providersStep },
  { kind: 'credentials', tag: 'keyway-credentials', step: credentialsStep },
  { kind: 'mfa', tag: 'keyway-mfa', step: { ...mfaWithoutHint, error: 'invalid_code', attemptsLeft: 2 } },
  { kind: 'success', tag: 'keyway-success', step: successStep },
  { kind: 'failure', tag: 'keyway-failure', step: failureStep },
];

let api: ReturnType<typeof fakeFlowApi> | undefined;

/** Restores `fetch` and forgets stored flow tokens; call in `afterEach`. */
export function resetFlowApi(): void {
  api?.restore();
  api = undefined;
  sessionStorage.clear();
}

/** A wizard whose link opens `first` (a flow, or an error response); later requests answer `then` in turn. */
export async function openWizard(first: Flow | Response, attributes = '', ...then: Flow[]): Promise<RecordingWizard> {
  api = fakeFlowApi((request) => {
    if (request.method === 'POST' && request.path === '/api/v1/flows') {
      return first instanceof Response ? first : json(201, { token: 'flow-token-look', flow: first });
    }
    const next = then.shift();
    return next ? json(200, next) : json(500, { error: { code: 'no_more_answers', message: 'no more answers' } });
  });
  return fixture<RecordingWizard>(`<recording-wizard link="${LINK}" redirect-delay="60000" ${attributes}></recording-wizard>`);
}

/** Waits until the wizard draws the step element `tag`, defined (some load on demand) and rendered. */
export async function shownStep(wizard: RecordingWizard, tag: string): Promise<HTMLElement & { updateComplete: Promise<boolean> }> {
  await waitUntil(() => wizard.shadowRoot!.querySelector(tag), `<${tag}> was not rendered`, { timeout: 3000 });
  await customElements.whenDefined(tag);
  const step = wizard.shadowRoot!.querySelector<HTMLElement & { updateComplete: Promise<boolean> }>(tag)!;
  await step.updateComplete;
  // Elements the step composes (fields, code input, progress) render a microtask later.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  return step;
}

const NAMING_ATTRIBUTES = ['aria-label', 'alt', 'title', 'placeholder', 'aria-valuetext', 'aria-roledescription'];

/**
 * Everything the wizard says, to eyes or to a screen reader: its text nodes and naming
 * attributes, through every shadow root, visually hidden text included.
 */
export function wordsOf(root: Node): string[] {
  const words: string[] = [];
  const visit = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent?.trim();
      if (text) words.push(text);
      return;
    }
    if (node instanceof Element) {
      if (node.localName === 'style' || node.localName === 'script') return;
      for (const name of NAMING_ATTRIBUTES) {
        const value = node.getAttribute(name)?.trim();
        if (value) words.push(value);
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
    for (const child of node.childNodes) visit(child);
  };
  visit(root);
  return words;
}

/** Runs `body` with `navigator.languages` answering `languages`, as a browser set to them would. */
export async function withBrowserLanguages<T>(languages: string[], body: () => Promise<T>): Promise<T> {
  Object.defineProperty(navigator, 'languages', { value: Object.freeze([...languages]), configurable: true });
  try {
    return await body();
  } finally {
    delete (navigator as { languages?: unknown }).languages;
  }
}

export { flowWith };
