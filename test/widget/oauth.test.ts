import { expect, fixture, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import type { StepOf } from '../../src/protocol/index.js';
import { loadOAuthElement } from '../../src/widget/index.js';
import type { KeywayOAuth } from '../../src/widget/index.js';
import { liveFlowApi, RecordingWizard, type LiveFlowApi } from './fake-server.js';
import { flowWith, oauthStep, successStep } from './fixtures.js';

const LINK = 'link_0123456789abcdef';
/** Where the server's OAuth callback page looks for the page to return to (src/protocol/constants.ts). */
const RETURN_KEY = 'keyway:oauth-return';
const TOKEN = 'flow-token-1';

/** A stand-in for the popup's window: only what the element uses. */
class FakePopup {
  closed = false;
  focused = 0;
  focus(): void {
    this.focused += 1;
  }
}

interface OpenCall {
  url: string | undefined;
  target: string | undefined;
  features: string | undefined;
  /** Whether the call happened with the user's activation, which popup blockers require. */
  activated: boolean;
}

/** Replaces `window.open` for one test; the element's own `openPopup` still runs. */
function standInForWindowOpen(answer: () => FakePopup | null): { calls: OpenCall[]; restore(): void } {
  const original = window.open;
  const calls: OpenCall[] = [];
  window.open = ((url?: string | URL, target?: string, features?: string) => {
    calls.push({ url: url === undefined ? undefined : String(url), target, features, activated: navigator.userActivation.isActive });
    return answer() as unknown as Window | null;
  }) as typeof window.open;
  return { calls, restore: () => (window.open = original) };
}

/** `location.assign` cannot be replaced, so the element's `leavePage` seam is, on the prototype the wizard uses. */
function standInForLeavePage(onLeave: (url: string) => void): () => void {
  const proto = customElements.get('keyway-oauth')!.prototype as unknown as { leavePage(url: string): void };
  const original = proto.leavePage;
  proto.leavePage = onLeave;
  return () => (proto.leavePage = original);
}

async function renderOAuth(step: StepOf<'oauth'> = oauthStep): Promise<KeywayOAuth> {
  await loadOAuthElement();
  return fixture<KeywayOAuth>(html`<keyway-oauth .step=${step}></keyway-oauth>`);
}

const button = (el: KeywayOAuth) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="authorize-button"]')!;

describe('<keyway-oauth>', () => {
  let open: ReturnType<typeof standInForWindowOpen> | undefined;
  let restoreLeave: (() => void) | undefined;
  afterEach(() => {
    sessionStorage.clear();
    open?.restore();
    restoreLeave?.();
    restoreLeave = undefined;
  });

  it('names the provider on its heading and its button', async () => {
    const el = await renderOAuth();
    expect(el.shadowRoot!.querySelector('[role="heading"]')!.textContent!.trim()).to.equal('Sign in with Google');
    expect(button(el).textContent!.trim()).to.equal('Continue with Google');
  });

  it('offers the step help next to its heading', async () => {
    const el = await renderOAuth({ ...oauthStep, help: 'Google asks which data to share.' });
    expect(el.shadowRoot!.querySelector('.heading-row keyway-help')).to.have.property('text', 'Google asks which data to share.');
  });

  it('opens the authorize URL in a named popup synchronously, inside the click', async () => {
    let staleReturnAddress: string | null = 'not read';
    open = standInForWindowOpen(() => ((staleReturnAddress = sessionStorage.getItem(RETURN_KEY)), new FakePopup()));
    const el = await renderOAuth();
    sessionStorage.setItem(RETURN_KEY, 'https://keyway.example.com/connect/earlier');
    button(el).click();
    expect(staleReturnAddress, 'a stale return address would be copied into the popup').to.equal(null);
    // No await between the click and this line: the popup must open during the click's own task.
    expect(open.calls).to.have.length(1);
    const [call] = open.calls;
    expect(call!.url).to.equal(oauthStep.authorizeUrl);
    expect(call!.target).to.equal('keyway-oauth');
    expect(call!.features).to.match(/^popup,width=500,height=650\b/);
  });

  it('opens the popup while the user activation of a real key press is live', async () => {
    open = standInForWindowOpen(() => new FakePopup());
    const el = await renderOAuth();
    button(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => open!.calls.length === 1, 'Enter did not open the popup');
    expect(open.calls[0]!.activated).to.equal(true);
  });

  it('says it waits while the popup is open, and brings that popup forward on a second click', async () => {
    const popup = new FakePopup();
    open = standInForWindowOpen(() => popup);
    const el = await renderOAuth();
    button(el).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('Waiting for you to finish in the Google window');
    button(el).click();
    expect(open.calls, 'a second window was opened').to.have.length(1);
    expect(popup.focused).to.equal(1);
  });

  it('offers to try again when the user closes the popup before finishing', async () => {
    const popup = new FakePopup();
    open = standInForWindowOpen(() => popup);
    const el = await renderOAuth();
    button(el).click();
    popup.closed = true;
    await waitUntil(() => el.shadowRoot!.querySelector('[part="error"]'), 'the closed popup was not noticed', { timeout: 2000 });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('The Google window was closed before you finished');
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim()).to.equal('');
    await expect(el).to.be.accessible();
    button(el).click();
    expect(open.calls, 'the button opens the popup again').to.have.length(2);
  });

  it('goes to the provider in this page when the popup is blocked', async () => {
    open = standInForWindowOpen(() => null);
    await loadOAuthElement();
    const left: string[] = [];
    restoreLeave = standInForLeavePage((url) => left.push(url));
    const el = await renderOAuth();
    button(el).click();
    expect(left).to.deep.equal([oauthStep.authorizeUrl]);
  });

  it('never opens an authorize URL that is not http(s)', async () => {
    open = standInForWindowOpen(() => new FakePopup());
    await loadOAuthElement();
    const left: string[] = [];
    restoreLeave = standInForLeavePage((url) => left.push(url));
    const el = await renderOAuth({ ...oauthStep, authorizeUrl: 'javascript:alert(1)' });
    button(el).click();
    expect(open.calls).to.deep.equal([]);
    expect(left).to.deep.equal([]);
  });

  it('passes an axe audit', async () => {
    const el = await renderOAuth();
    await expect(el).to.be.accessible();
  });
});

describe('<keyway-oauth> in the wizard', () => {
  let live: LiveFlowApi | undefined;
  let open: ReturnType<typeof standInForWindowOpen> | undefined;
  let restoreLeave: (() => void) | undefined;
  beforeEach(() => sessionStorage.clear());
  afterEach(() => {
    sessionStorage.clear();
    live?.restore();
    open?.restore();
    restoreLeave?.();
    restoreLeave = undefined;
  });

  async function oauthInWizard(): Promise<{ wizard: RecordingWizard; oauth: KeywayOAuth }> {
    const wizard = await fixture<RecordingWizard>(`<recording-wizard link="${LINK}"></recording-wizard>`);
    await waitUntil(() => wizard.shadowRoot!.querySelector('keyway-oauth')?.shadowRoot?.querySelector('button'), 'the OAuth step was not shown');
    return { wizard, oauth: wizard.shadowRoot!.querySelector('keyway-oauth')! };
  }

  it('falls back to a full-page redirect when the popup is blocked, with the flow token kept for the way back', async () => {
    live = liveFlowApi(flowWith(oauthStep));
    open = standInForWindowOpen(() => null);
    const { oauth } = await oauthInWizard();
    const left: Array<{ url: string; storedToken: string | null; returnAddress: string | null }> = [];
    restoreLeave = standInForLeavePage((url) =>
      left.push({ url, storedToken: sessionStorage.getItem(`keyway:flow:${LINK}`), returnAddress: sessionStorage.getItem(RETURN_KEY) }),
    );
    button(oauth).click();
    expect(open.calls).to.have.length(1);
    expect(left).to.deep.equal([{ url: oauthStep.authorizeUrl, storedToken: TOKEN, returnAddress: window.location.href }]);
  });

  it('keeps the flow token in sessionStorage on an OAuth step even if it was dropped from there', async () => {
    live = liveFlowApi(flowWith({ ...oauthStep, id: 'first' }));
    const wizard = await fixture<RecordingWizard>(`<recording-wizard link="${LINK}"></recording-wizard>`);
    const stream = await live.stream();
    sessionStorage.clear();
    stream.sendFlow(flowWith({ ...oauthStep, id: 'second' }));
    await waitUntil(() => sessionStorage.getItem(`keyway:flow:${LINK}`) === TOKEN, 'the token was not stored again', { timeout: 5000 });
    expect(wizard.shadowRoot!.querySelector('keyway-oauth')).to.not.equal(null);
  });

  it('waits for the flow events to report the outcome of the popup', async () => {
    live = liveFlowApi(flowWith(oauthStep));
    open = standInForWindowOpen(() => new FakePopup());
    const { wizard, oauth } = await oauthInWizard();
    button(oauth).click();
    expect(open.calls).to.have.length(1);
    const stream = await live.stream();
    stream.sendFlow(flowWith(successStep));
    await waitUntil(() => wizard.shadowRoot!.querySelector('keyway-success'), 'the success reported by the events was not shown');
  });
});
