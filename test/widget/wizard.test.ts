import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Flow } from '../../src/protocol/index.js';
import type { KeywayFailure, KeywaySuccessEvent, KeywayWizard } from '../../src/widget/index.js';
import { apiError, fakeFlowApi, json, RecordingWizard, type RecordedRequest } from './fake-server.js';
import { confirmStep, credentialsStep, failureStep, flowWith, mfaStep, providersStep, signedInStep, successStep } from './fixtures.js';

const LINK = 'link_0123456789abcdef';
const TOKEN = 'flow-token-1';
const STORAGE_KEY = `keyway:flow:${LINK}`;
const HOST = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

let api: ReturnType<typeof fakeFlowApi> | undefined;

/** A wizard that believes it is in an iframe, so it reports its height to the host. */
class FramedWizard extends RecordingWizard {
  protected override isFramed(): boolean {
    return true;
  }
}
customElements.define('framed-wizard', FramedWizard);

/** A fake flow API: opening answers `first`; each step post answers the next flow of `then` (or a Response). */
function serve(first: Flow | Response, ...then: Array<Flow | Response | (() => Response)>) {
  const answer = (value: Flow | Response | (() => Response) | undefined, status: number) => {
    if (value === undefined) return apiError(500, 'no_more_answers');
    if (typeof value === 'function') return value();
    return value instanceof Response ? value : json(status, value);
  };
  api = fakeFlowApi((request: RecordedRequest) => {
    if (request.method === 'POST' && request.path === '/api/v1/flows') {
      return first instanceof Response ? first : json(201, { token: TOKEN, flow: first });
    }
    if (request.method === 'POST' && request.path === '/api/v1/flows/current/steps') return answer(then.shift(), 200);
    if (request.method === 'GET' && request.path === '/api/v1/flows/current') return answer(then.shift(), 200);
    return apiError(404, 'not_found');
  });
  return api;
}

async function openWizard(delay = 3000): Promise<RecordingWizard> {
  return fixture<RecordingWizard>(`<recording-wizard link="${LINK}" redirect-delay="${delay}"></recording-wizard>`);
}

function stepElement<T extends Element = Element>(el: KeywayWizard, tag: string): T | null {
  return el.shadowRoot!.querySelector<T>(tag);
}

async function shows(el: KeywayWizard, tag: string): Promise<HTMLElement> {
  await waitUntil(() => stepElement(el, tag), `<${tag}> was not rendered`);
  await customElements.whenDefined(tag);
  const step = stepElement<HTMLElement & { updateComplete: Promise<boolean> }>(el, tag)!;
  await step.updateComplete;
  return step;
}

function clickProvider(el: KeywayWizard, provider: string): void {
  stepElement(el, 'keyway-providers')!.shadowRoot!.querySelector<HTMLButtonElement>(`[data-provider="${provider}"]`)!.click();
}

describe('<keyway-wizard>', () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => api?.restore());

  it('opens the flow with its link, keeps the flow token in sessionStorage and renders the providers step', async () => {
    serve(flowWith(providersStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    expect(api!.requests[0]).to.deep.include({ method: 'POST', path: '/api/v1/flows', body: { link: LINK } });
    expect(sessionStorage.getItem(STORAGE_KEY)).to.equal(TOKEN);
    expect(el.shadowRoot!.querySelector('[part="brand"]')!.textContent).to.contain('Acme');
    expect(el.style.getPropertyValue('--keyway-color-primary')).to.equal('#0f766e');
    expect(el.style.getPropertyValue('--keyway-radius')).to.equal('10px');
  });

  it('resumes a stored flow with GET /flows/current and the Bearer token instead of opening the link again', async () => {
    sessionStorage.setItem(STORAGE_KEY, 'stored-token');
    serve(apiError(409, 'link_used'), flowWith(mfaStep));
    const el = await openWizard();
    await shows(el, 'keyway-mfa');
    expect(api!.requests).to.have.length(1);
    expect(api!.requests[0]).to.deep.include({ method: 'GET', path: '/api/v1/flows/current', authorization: 'Bearer stored-token' });
  });

  it('opens the link again when the stored flow token is refused with 401', async () => {
    sessionStorage.setItem(STORAGE_KEY, 'stale-token');
    serve(flowWith(providersStep), () => apiError(401, 'unauthorized'));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    expect(api!.requests.map((request) => request.method + ' ' + request.path)).to.deep.equal([
      'GET /api/v1/flows/current',
      'POST /api/v1/flows',
    ]);
    expect(sessionStorage.getItem(STORAGE_KEY)).to.equal(TOKEN);
  });

  it('posts the chosen provider with the Bearer token, draws the next step and focuses its heading', async () => {
    serve(flowWith(providersStep), flowWith(credentialsStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    let leaked = false;
    const onLeak = () => (leaked = true);
    document.addEventListener('keyway-submit', onLeak);
    clickProvider(el, 'DEMO');
    const credentials = await shows(el, 'keyway-credentials');
    document.removeEventListener('keyway-submit', onLeak);
    expect(api!.requests[1]).to.deep.equal({
      method: 'POST',
      path: '/api/v1/flows/current/steps',
      authorization: `Bearer ${TOKEN}`,
      body: { kind: 'providers', stepId: 'step-providers', provider: 'DEMO' },
    });
    expect(leaked, 'step input must not reach the page').to.equal(false);
    expect(credentials.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal('Sign in to Demo bank');
    await waitUntil(() => credentials.shadowRoot!.activeElement?.getAttribute('role') === 'heading', 'focus did not move to the heading');
  });

  it('marks the step pending while the server answers', async () => {
    let release: (response: Response) => void = () => {};
    api = fakeFlowApi((request) =>
      request.path === '/api/v1/flows'
        ? json(201, { token: TOKEN, flow: flowWith(providersStep) })
        : new Promise((resolve) => (release = resolve)),
    );
    const el = await openWizard();
    const providers = await shows(el, 'keyway-providers');
    clickProvider(el, 'GOOGLE');
    await waitUntil(() => providers.hasAttribute('pending'), 'step was not marked pending');
    expect(providers.shadowRoot!.querySelector<HTMLButtonElement>('[data-provider="IMAP"]')!.disabled).to.equal(true);
    release(json(200, flowWith(credentialsStep)));
    await shows(el, 'keyway-credentials');
  });

  it('re-reads the current flow when the server answers 409 step_mismatch', async () => {
    serve(flowWith(providersStep), apiError(409, 'step_mismatch'), flowWith(mfaStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'DEMO');
    await shows(el, 'keyway-mfa');
    expect(api!.requests[2]).to.deep.include({ method: 'GET', path: '/api/v1/flows/current', authorization: `Bearer ${TOKEN}` });
  });

  it('re-reads the current flow when the flow expired (410) and shows its failure step', async () => {
    const expired = { ...failureStep, reason: 'link_expired' as const };
    serve(flowWith(providersStep), apiError(410, 'flow_expired'), flowWith(expired));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'DEMO');
    const failure = await shows(el, 'keyway-failure');
    expect(failure.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal('This link has expired');
  });

  it('shows a 422 message in an alert and keeps the step', async () => {
    serve(flowWith(providersStep), apiError(422, 'invalid_input', 'That provider is not allowed for this link.'));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'DEMO');
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]')!.textContent!.includes('not allowed'), 'no alert');
    expect(stepElement(el, 'keyway-providers')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
  });

  it('shows the wait a rate limit (429) asks for, keeps the step and offers a retry', async () => {
    serve(flowWith(providersStep), apiError(429, 'rate_limited', 'Too many wrong codes were entered for this account. Try again in 15 minutes.'));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'DEMO');
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]')!.textContent!.includes('Try again in 15 minutes'), 'no alert');
    expect(stepElement(el, 'keyway-providers')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="retry-button"]')).to.exist;
  });

  it('offers a retry after a network error and repeats the same input', async () => {
    serve(flowWith(providersStep), () => Promise.reject(new TypeError('Failed to fetch')) as never, flowWith(credentialsStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'IMAP');
    await waitUntil(() => el.shadowRoot!.querySelector('[part="retry-button"]'), 'no retry button');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('could not reach the server');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    await shows(el, 'keyway-credentials');
    expect(api!.requests[2]!.body).to.deep.equal(api!.requests[1]!.body);
  });

  it('posts host messages only to the flow host origins, one copy per origin, never to "*"', async () => {
    serve(flowWith(providersStep), flowWith(successStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    clickProvider(el, 'DEMO');
    await shows(el, 'keyway-success');
    expect(el.posted.length).to.be.greaterThan(0);
    expect(el.posted.every(({ targetOrigin }) => targetOrigin === HOST || targetOrigin === ADMIN)).to.equal(true);
    expect(el.typesPostedTo(HOST)).to.deep.equal(['ready', 'step', 'step', 'success']);
    expect(el.typesPostedTo(ADMIN)).to.deep.equal(el.typesPostedTo(HOST));
    const success = el.posted.find(({ message }) => message.type === 'success')!.message;
    expect(success).to.deep.equal({ keyway: 1, type: 'success', flowId: 'flow_1', data: { accountId: 'acc_123', provider: 'DEMO' } });
  });

  it('skips host origins that are not exact origins, such as "*"', async () => {
    serve(flowWith(providersStep, { hostOrigins: ['*', 'https://app.example.com/path', HOST] }));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    expect(el.posted.map(({ targetOrigin }) => targetOrigin)).to.deep.equal([HOST, HOST]);
  });

  it('reports its height to the host when framed', async () => {
    serve(flowWith(providersStep));
    const el = await fixture<FramedWizard>(`<framed-wizard link="${LINK}"></framed-wizard>`);
    await shows(el, 'keyway-providers');
    await waitUntil(() => el.posted.some(({ message }) => message.type === 'resize'), 'no resize message');
    const resize = el.posted.find(({ message }) => message.type === 'resize')!;
    expect(resize.targetOrigin).to.equal(HOST);
    expect(resize.message.data).to.deep.equal({ height: Math.ceil(el.getBoundingClientRect().height) });
  });

  it('when framed, tells the host the user wants out on Escape, unless the Escape closes a help popover', async () => {
    serve(flowWith(providersStep));
    const el = await fixture<FramedWizard>(`<framed-wizard link="${LINK}"></framed-wizard>`);
    await shows(el, 'keyway-providers');
    const help = document.createElement('keyway-help');
    help.setAttribute('open', '');
    document.body.append(help);
    help.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    help.remove();
    expect(el.typesPostedTo(HOST)).to.not.include('exit');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(el.typesPostedTo(HOST)).to.include('exit');
  });

  it('fires keyway-success and redirects to the success URL after the redirect delay', async () => {
    serve(flowWith(providersStep), flowWith(successStep));
    const el = await openWizard(300);
    await shows(el, 'keyway-providers');
    setTimeout(() => clickProvider(el, 'DEMO'));
    const event = await oneEvent<KeywaySuccessEvent>(el, 'keyway-success');
    expect(event.detail).to.deep.equal({ flowId: 'flow_1', accountId: 'acc_123', provider: 'DEMO' });
    const success = await shows(el, 'keyway-success');
    expect(success.shadowRoot!.querySelector('[part="countdown"]')!.textContent).to.equal('Redirecting in 1 s');
    expect(el.redirects, 'redirected before the delay').to.deep.equal([]);
    await waitUntil(() => el.redirects.length > 0, 'no redirect', { timeout: 2000 });
    expect(el.redirects).to.deep.equal(['https://app.example.com/connected']);
  });

  it('redirects at once from "Continue now"', async () => {
    serve(flowWith(successStep));
    const el = await openWizard(60_000);
    const success = await shows(el, 'keyway-success');
    success.shadowRoot!.querySelector<HTMLButtonElement>('[part="continue-button"]')!.click();
    expect(el.redirects).to.deep.equal(['https://app.example.com/connected']);
  });

  it('cancels with a cancel input, then shows the failure and posts failure and exit', async () => {
    const cancelled = { ...failureStep, reason: 'user_cancelled' as const, redirectUrl: undefined };
    serve(flowWith(credentialsStep), flowWith(cancelled));
    const el = await openWizard();
    await shows(el, 'keyway-credentials');
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="cancel-button"]')!.click());
    await oneEvent(el, 'keyway-exit');
    expect(api!.requests[1]!.body).to.deep.equal({ kind: 'cancel', stepId: 'step-credentials' });
    expect(el.typesPostedTo(HOST)).to.deep.equal(['ready', 'step', 'step', 'failure', 'exit']);
    expect(el.shadowRoot!.querySelector('[part="cancel-button"]'), 'no cancel on a final step').to.equal(null);
  });

  it('keeps a retryable failure open: no failure message, no redirect, Cancel still there, "Try again" goes back', async () => {
    const retryable = { kind: 'failure' as const, id: 'step-retry', reason: 'provider_error' as const, message: 'Down.', retryable: true };
    serve(flowWith(retryable), flowWith(providersStep));
    const el = await openWizard(0);
    const failure = await shows(el, 'keyway-failure');
    expect(el.typesPostedTo(HOST)).to.deep.equal(['ready', 'step']);
    expect(el.shadowRoot!.querySelector('[part="cancel-button"]'), 'the user can still give up').to.exist;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(el.redirects).to.deep.equal([]);
    failure.shadowRoot!.querySelector<HTMLButtonElement>('[part="try-again-button"]')!.click();
    await shows(el, 'keyway-providers');
    expect(api!.requests[1]!.body).to.deep.equal({ kind: 'back', stepId: 'step-retry' });
  });

  it('goes back with a back input from the credentials step', async () => {
    serve(flowWith(credentialsStep), flowWith(providersStep));
    const el = await openWizard();
    await shows(el, 'keyway-credentials');
    expect(el.shadowRoot!.querySelector('[part="back-button"]')).to.exist;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="back-button"]')!.click();
    await shows(el, 'keyway-providers');
    expect(api!.requests[1]!.body).to.deep.equal({ kind: 'back', stepId: 'step-credentials' });
    expect(el.shadowRoot!.querySelector('[part="back-button"]'), 'no back on the first step').to.equal(null);
  });

  it('shows an expired link, tells the host (flow origins from the error) and redirects', async () => {
    serve(apiError(410, 'link_expired', 'This link has expired.', { redirectUrl: 'https://app.example.com/failed', hostOrigins: [HOST] }));
    const el = await openWizard(50);
    const failure = await shows(el, 'keyway-failure');
    expect(failure.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal('This link has expired');
    expect(el.posted).to.deep.equal([
      { message: { keyway: 1, type: 'failure', flowId: '', data: { reason: 'link_expired', message: 'This link has expired.' } }, targetOrigin: HOST },
    ]);
    await waitUntil(() => el.redirects.length > 0, 'no redirect');
    expect(el.redirects).to.deep.equal(['https://app.example.com/failed']);
  });

  it('signs in from the confirm step and goes to the app’s redirect URI without posting the code to any page', async () => {
    serve(flowWith(confirmStep, { type: 'signin', hostOrigins: [HOST] }), flowWith(signedInStep, { type: 'signin', status: 'succeeded', hostOrigins: [HOST] }));
    const el = await openWizard(30);
    const confirm = await shows(el, 'keyway-confirm');
    expect(el.shadowRoot!.querySelector('[part="progress"]'), 'no progress bar for one step').to.equal(null);
    confirm.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
    await shows(el, 'keyway-success');
    expect(api!.requests[1]!.body).to.deep.equal({ kind: 'confirm', stepId: 'step-confirm' });
    await waitUntil(() => el.redirects.length > 0, 'no redirect');
    expect(el.redirects).to.deep.equal([signedInStep.redirectUrl]);
    expect(JSON.stringify(el.posted)).not.to.contain('one-time-code');
    expect(el.posted.map((post) => post.message.type)).not.to.include('success');
  });

  it('posts a user token instead of a link, with the return path, and goes to the app', async () => {
    serve(flowWith(signedInStep, { type: 'signin', status: 'succeeded' }));
    const el = await fixture<RecordingWizard>(`<recording-wizard user-token="eyJ.user.token-0123456789" return-to="/dashboard/education" redirect-delay="30"></recording-wizard>`);
    await waitUntil(() => el.redirects.length > 0, 'no redirect');
    expect(api!.requests[0]!.body).to.deep.equal({ userToken: 'eyJ.user.token-0123456789', closeOnboardingRedirect: '/dashboard/education' });
    expect(el.redirects).to.deep.equal([signedInStep.redirectUrl]);
  });

  it('offers the host’s own “send me a new link” page on an expired link that names one, and only an http(s) one', async () => {
    serve(apiError(410, 'link_expired', 'This link has expired.', { hostOrigins: [HOST], newLinkUrl: 'https://app.example.com/new-link?user=42' }));
    const el = await openWizard();
    const failure = await shows(el, 'keyway-failure');
    const button = failure.shadowRoot!.querySelector<HTMLAnchorElement>('[part="new-link-button"]');
    expect(button, 'the new-link button').to.exist;
    expect(button!.href).to.equal('https://app.example.com/new-link?user=42');
    expect(button!.target).to.equal('_top');
    expect(button!.textContent).to.equal('Send me a new link');
    await expect(failure).to.be.accessible();

    serve(apiError(410, 'link_expired', 'This link has expired.', { hostOrigins: [HOST], newLinkUrl: 'javascript:alert(1)' }));
    const other = await openWizard();
    const refused = await shows(other, 'keyway-failure');
    expect(refused.shadowRoot!.querySelector('[part="new-link-button"]')).to.equal(null);
  });

  for (const [status, code, heading] of [
    [404, 'link_not_found', 'This link is not valid'],
    [409, 'link_used', 'This link was already used'],
  ] as const) {
    it(`explains a ${status} ${code} link without redirecting or messaging anyone`, async () => {
      serve(apiError(status, code, code, { redirectUrl: 'https://evil.example/', hostOrigins: [HOST] }));
      const el = await openWizard(10);
      const failure = await shows(el, 'keyway-failure');
      expect(failure.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal(heading);
      expect((failure as KeywayFailure).step!.redirectUrl).to.equal(undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(el.posted).to.deep.equal([]);
      expect(el.redirects).to.deep.equal([]);
    });
  }

  it('passes an axe accessibility audit on the providers step', async () => {
    serve(flowWith(providersStep));
    const el = await openWizard();
    await shows(el, 'keyway-providers');
    await expect(el).to.be.accessible();
  });
});
