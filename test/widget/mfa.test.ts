import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayMfa, KeywaySubmitEvent } from '../../src/widget/index.js';
import { mfaStep } from './fixtures.js';

async function renderMfa(step = mfaStep): Promise<KeywayMfa> {
  return fixture<KeywayMfa>(html`<keyway-mfa .step=${step}></keyway-mfa>`);
}

function codeInput(el: KeywayMfa): HTMLInputElement {
  return el.shadowRoot!.querySelector('input')!;
}

function type(el: KeywayMfa, value: string): void {
  const input = codeInput(el);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

function submit(el: KeywayMfa): void {
  el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('<keyway-mfa>', () => {
  it('renders a labelled one-time-code input shaped by the step length', async () => {
    const el = await renderMfa();
    const input = codeInput(el);
    expect(input.getAttribute('inputmode')).to.equal('numeric');
    expect(input.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(input.maxLength).to.equal(6);
    expect(input.pattern).to.equal('[0-9]{6}');
    expect(el.shadowRoot!.querySelector(`label[for="${input.id}"]`)!.textContent).to.equal('Verification code');
    expect(el.shadowRoot!.textContent).to.contain('Enter the 6-digit code from your authenticator app.');
  });

  it('shows the attempts left', async () => {
    expect((await renderMfa()).shadowRoot!.querySelector('[part="attempts"]')!.textContent).to.equal('3 attempts left');
    const last = await renderMfa({ ...mfaStep, attemptsLeft: 1 });
    expect(last.shadowRoot!.querySelector('[part="attempts"]')!.textContent).to.equal('1 attempt left');
  });

  it('emits the typed code as an mfa step input', async () => {
    const el = await renderMfa();
    type(el, '123 456');
    setTimeout(() => submit(el));
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'mfa', stepId: 'step-mfa', code: '123456' });
  });

  it('keeps only the digits of a pasted code such as "123 456"', async () => {
    const el = await renderMfa();
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', '123 456');
    codeInput(el).dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
    expect(codeInput(el).value).to.equal('123456');
  });

  it('does not send a code of the wrong length', async () => {
    const el = await renderMfa();
    type(el, '123');
    let emitted = false;
    el.addEventListener('keyway-submit', () => (emitted = true));
    submit(el);
    await el.updateComplete;
    expect(emitted).to.equal(false);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Enter the 6-digit code.');
  });

  it('announces a wrong code with role=alert and marks the input invalid', async () => {
    const el = await renderMfa({ ...mfaStep, attemptsLeft: 2, error: 'invalid_code' });
    const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('That code did not work.');
    expect(codeInput(el).getAttribute('aria-invalid')).to.equal('true');
    expect(codeInput(el).getAttribute('aria-describedby')).to.contain(alert.id);
  });

  it('offers a resend button only when the step can resend, and emits resend', async () => {
    expect((await renderMfa()).shadowRoot!.querySelector('[part="resend-button"]')).to.equal(null);
    const el = await renderMfa({ ...mfaStep, method: 'sms', hint: '•••• 42', canResend: true });
    expect(el.shadowRoot!.textContent).to.contain('Enter the 6-digit code sent to •••• 42.');
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="resend-button"]')!.click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'resend', stepId: 'step-mfa' });
  });

  it('passes an axe accessibility audit, with and without the wrong-code alert', async () => {
    await expect(await renderMfa()).to.be.accessible();
    await expect(await renderMfa({ ...mfaStep, canResend: true, error: 'invalid_code' })).to.be.accessible();
  });
});
