import { expect, fixture, waitUntil } from '@open-wc/testing';
import type { Flow, StepOf } from '../../src/protocol/index.js';
import type { KeywayCodeInput } from '../../src/widget/code-input/code-input.js';
import { apiError, fakeFlowApi, json, RecordingWizard, type RecordedRequest } from './fake-server.js';
import { confirmStep, flowWith, signedInStep } from './fixtures.js';

const setupStep: StepOf<'mfa-setup'> = {
  kind: 'mfa-setup',
  id: 'step-setup',
  appName: 'Acme CRM',
  uri: 'otpauth://totp/Acme:jo%40example.com?issuer=Acme&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
  secret: 'JBSWY3DPEHPK3PXP',
  length: 6,
  attemptsLeft: 5,
};
const codesStep: StepOf<'recovery-codes'> = { kind: 'recovery-codes', id: 'step-codes', appName: 'Acme CRM', codes: ['7kq2-m9xd-4hwp-3tce', 'a1b2-c3d4-e5f6-g7h8'] };

/** Opening answers `first`; each step post answers the next of `then`. */
function serve(first: Flow, ...then: Flow[]) {
  return fakeFlowApi((request: RecordedRequest) => {
    if (request.method === 'POST' && request.path === '/api/v1/flows') return json(201, { token: 'flow-token-1', flow: first });
    if (request.method === 'POST' && request.path === '/api/v1/flows/current/steps') {
      const next = then.shift();
      return next ? json(200, next) : apiError(500, 'no_more_answers');
    }
    return apiError(404, 'not_found');
  });
}

async function shows(el: RecordingWizard, tag: string): Promise<HTMLElement & { updateComplete: Promise<boolean> }> {
  await waitUntil(() => el.shadowRoot!.querySelector(tag), `<${tag}> was not rendered`);
  await customElements.whenDefined(tag);
  const step = el.shadowRoot!.querySelector<HTMLElement & { updateComplete: Promise<boolean> }>(tag)!;
  await step.updateComplete;
  return step;
}

describe('<keyway-wizard> setting up MFA at sign-in', () => {
  let api: ReturnType<typeof fakeFlowApi> | undefined;
  beforeEach(() => sessionStorage.clear());
  afterEach(() => api?.restore());

  it('loads the set-up and recovery-code steps on demand, focuses each heading, and posts the code, then the acknowledgement', async () => {
    const signin = { type: 'signin' as const };
    api = serve(flowWith(confirmStep, signin), flowWith(setupStep, signin), flowWith(codesStep, signin), flowWith(signedInStep, { ...signin, status: 'succeeded' }));
    const el = await fixture<RecordingWizard>('<recording-wizard link="link_0123456789abcdef" redirect-delay="30"></recording-wizard>');
    const confirm = await shows(el, 'keyway-confirm');
    confirm.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();

    const setup = await shows(el, 'keyway-mfa-setup');
    await waitUntil(() => setup.shadowRoot!.activeElement?.hasAttribute('data-step-heading'), 'the set-up heading was not focused');
    expect(el.shadowRoot!.querySelector('[part="back-button"]'), 'nothing to go back to').to.equal(null);
    setup.shadowRoot!.querySelector<KeywayCodeInput>('keyway-code-input')!.value = '123456';
    setup.shadowRoot!.querySelector('form')!.requestSubmit();

    const codes = await shows(el, 'keyway-recovery-codes');
    await waitUntil(() => codes.shadowRoot!.activeElement?.hasAttribute('data-step-heading'), 'the codes heading was not focused');
    await expect(el).to.be.accessible();
    codes.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await codes.updateComplete;
    codes.shadowRoot!.querySelector<HTMLButtonElement>('[part="continue-button"]')!.click();

    await waitUntil(() => el.redirects.length > 0, 'no redirect');
    expect(api.requests.slice(1).map((request) => request.body)).to.deep.equal([
      { kind: 'confirm', stepId: 'step-confirm' },
      { kind: 'mfa', stepId: 'step-setup', code: '123456' },
      { kind: 'acknowledge', stepId: 'step-codes' },
    ]);
    expect(JSON.stringify(el.posted)).not.to.contain('7kq2', 'recovery codes never reach the host page');
  });
});
