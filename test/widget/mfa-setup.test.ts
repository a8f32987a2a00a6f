import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/mfa-setup/mfa-setup.js';
import type { KeywayCodeInput } from '../../src/widget/code-input/code-input.js';
import type { KeywayMfaSetup, KeywaySubmitEvent } from '../../src/widget/index.js';
import { mfaSetupStep, SETUP_SECRET } from './fixtures.js';

const SECRET = SETUP_SECRET;
const setupStep = mfaSetupStep;

class TestMfaSetup extends (customElements.get('keyway-mfa-setup') as typeof KeywayMfaSetup) {
  copied: string[] = [];
  failCopy = false;
  protected override writeToClipboard(text: string): Promise<void> {
    if (this.failCopy) return Promise.reject(new Error('denied'));
    this.copied.push(text);
    return Promise.resolve();
  }
}
customElements.define('test-mfa-setup', TestMfaSetup);

const render = (step = setupStep) => fixture<TestMfaSetup>(html`<test-mfa-setup .step=${step}></test-mfa-setup>`);
const codeInput = (el: KeywayMfaSetup) => el.shadowRoot!.querySelector<KeywayCodeInput>('keyway-code-input')!;

describe('<keyway-mfa-setup>', () => {
  it('draws the otpauth URI as a labelled QR image, the secret in groups of four, and passes axe', async () => {
    const el = await render();
    const qr = el.shadowRoot!.querySelector('[part="qr"]')!;
    expect(qr.getAttribute('role')).to.equal('img');
    expect(qr.getAttribute('aria-label')).to.equal('QR code to scan with your authenticator app');
    expect(qr.querySelector('path')!.getAttribute('d')).to.match(/^M\d+ \d+h\d+v1h-\d+z/);
    expect(el.shadowRoot!.querySelector('[part="secret"]')!.textContent).to.equal('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(el.shadowRoot!.textContent).to.contain('Acme CRM asks for a code');
    expect(el.shadowRoot!.querySelector('[part="attempts"]')!.textContent).to.contain('5 attempts left');
    await expect(el).to.be.accessible();
  });

  it('copies the raw secret, and says so; a refused copy says to copy by hand', async () => {
    const el = await render();
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="copy-button"]')!.click();
    await el.updateComplete;
    await el.updateComplete;
    expect(el.copied).to.deep.equal([SECRET]);
    expect(el.shadowRoot!.querySelector('[part="copy-status"]')!.textContent).to.equal('Key copied.');
    el.failCopy = true;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="copy-button"]')!.click();
    await new Promise((resolve) => setTimeout(resolve));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="copy-status"]')!.textContent).to.contain('could not be copied');
  });

  it('submits a complete code as an mfa input, and refuses an incomplete one without asking the server', async () => {
    const el = await render();
    const submits: KeywaySubmitEvent['input'][] = [];
    el.addEventListener('keyway-submit', (event) => submits.push(event.input));
    codeInput(el).value = '123';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(submits).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('Enter the 6-digit code.');
    codeInput(el).value = '123456';
    const submitted = oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    expect((await submitted).input).to.deep.equal({ kind: 'mfa', stepId: 'step-setup', code: '123456' });
  });

  it('shows a wrong code with the attempts left, and stays accessible', async () => {
    const el = await render({ ...setupStep, id: 'step-2', error: 'invalid_code', attemptsLeft: 1 });
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('That code did not work.');
    expect(el.shadowRoot!.querySelector('[part="attempts"]')!.textContent).to.contain('1 attempt left');
    await expect(el).to.be.accessible();
  });
});
