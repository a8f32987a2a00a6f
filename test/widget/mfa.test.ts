import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import '../../src/widget/mfa/mfa.js';
import type { KeywayCodeInput } from '../../src/widget/code-input/code-input.js';
import type { KeywayMfa, KeywaySubmitEvent } from '../../src/widget/index.js';
import { mfaStep } from './fixtures.js';

async function renderMfa(step = mfaStep): Promise<KeywayMfa> {
  return fixture<KeywayMfa>(html`<keyway-mfa .step=${step}></keyway-mfa>`);
}

function codeInput(el: KeywayMfa): KeywayCodeInput {
  return el.shadowRoot!.querySelector('keyway-code-input')!;
}

function boxes(el: KeywayMfa): HTMLInputElement[] {
  return [...codeInput(el).shadowRoot!.querySelectorAll<HTMLInputElement>('input')];
}

function verifyButton(el: KeywayMfa): HTMLButtonElement {
  return el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!;
}

/** Every keyway-submit the element emits. */
function recordSubmits(el: KeywayMfa): KeywaySubmitEvent['input'][] {
  const inputs: KeywaySubmitEvent['input'][] = [];
  el.addEventListener('keyway-submit', (event) => inputs.push(event.input));
  return inputs;
}

function paste(target: HTMLElement, text: string): void {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  target.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
}

describe('<keyway-mfa>', () => {
  it('draws a code input of the step length, labelled "Verification code", with numeric one-time-code boxes', async () => {
    const el = await renderMfa({ ...mfaStep, length: 8 });
    const input = codeInput(el);
    expect(input.length).to.equal(8);
    expect(input.label).to.equal('Verification code');
    expect(boxes(el)).to.have.length(8);
    expect(boxes(el)[0]!.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(boxes(el)[0]!.getAttribute('inputmode')).to.equal('numeric');
    expect(boxes(el)[7]!.getAttribute('aria-label')).to.equal('Digit 8 of 8');
    expect(el.shadowRoot!.querySelector('form')!.contains(input)).to.equal(true);
  });

  it('says where the code comes from, using the step hint, and offers the step help', async () => {
    const el = await renderMfa({ ...mfaStep, hint: 'the demo page', help: 'Codes change every 30 seconds.' });
    expect(el.shadowRoot!.textContent).to.contain('Enter the 6-digit code from the demo page.');
    const help = el.shadowRoot!.querySelector('keyway-help')!;
    expect(help.text).to.equal('Codes change every 30 seconds.');
    const sms = await renderMfa({ ...mfaStep, method: 'sms', hint: '•••• 42' });
    expect(sms.shadowRoot!.textContent).to.contain('Enter the 6-digit code sent to •••• 42.');
    expect(sms.shadowRoot!.querySelector('keyway-help')).to.equal(null);
  });

  it('shows the attempts left under the boxes', async () => {
    const attempts = (el: KeywayMfa) => el.shadowRoot!.querySelector('[part="attempts"]')!;
    const el = await renderMfa();
    expect(attempts(el).textContent).to.equal('3 attempts left');
    expect(attempts(el).getAttribute('slot')).to.equal('help-text');
    expect(attempts(await renderMfa({ ...mfaStep, attemptsLeft: 1 })).textContent).to.equal('1 attempt left');
  });

  it('submits {kind: "mfa", stepId, code} by itself when the last digit is typed, once', async () => {
    const el = await renderMfa();
    const submits = recordSubmits(el);
    codeInput(el).focus();
    setTimeout(() => void sendKeys({ type: '123456' }));
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'mfa', stepId: 'step-mfa', code: '123456' });
    await el.updateComplete;
    expect(submits).to.have.length(1);
  });

  it('submits a pasted code such as "123 456" by itself', async () => {
    const el = await renderMfa();
    setTimeout(() => paste(boxes(el)[0]!, '123 456'));
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'mfa', stepId: 'step-mfa', code: '123456' });
  });

  it('submits with Enter and with the Verify button', async () => {
    const el = await renderMfa();
    codeInput(el).value = '654321';
    await el.updateComplete;
    boxes(el)[2]!.focus();
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    expect((await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit')).input).to.deep.equal({ kind: 'mfa', stepId: 'step-mfa', code: '654321' });
    setTimeout(() => verifyButton(el).click());
    expect((await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit')).input).to.deep.equal({ kind: 'mfa', stepId: 'step-mfa', code: '654321' });
  });

  it('does not send an incomplete code and says how many digits it needs', async () => {
    const el = await renderMfa();
    const submits = recordSubmits(el);
    codeInput(el).focus();
    await sendKeys({ type: '123' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(submits).to.deep.equal([]);
    const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('Enter the 6-digit code.');
    expect(boxes(el).every((box) => box.getAttribute('aria-invalid') === 'true')).to.equal(true);
  });

  it('after a wrong code: announces it with role=alert, marks the boxes invalid, clears them and focuses the first', async () => {
    const el = await renderMfa();
    codeInput(el).focus();
    await sendKeys({ type: '11111' });
    await el.updateComplete;
    el.step = { ...mfaStep, id: 'step-mfa-2', attemptsLeft: 2, error: 'invalid_code' };
    await el.updateComplete;
    await codeInput(el).updateComplete;
    expect(codeInput(el).value).to.equal('');
    expect(boxes(el).map((box) => box.value)).to.deep.equal(['', '', '', '', '', '']);
    // The wizard moves focus to each new step this way.
    await el.focusHeading();
    await waitUntil(() => codeInput(el).shadowRoot!.activeElement === boxes(el)[0], 'the first box was not focused');
    const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('That code did not work.');
    expect(alert.getAttribute('slot'), 'the alert describes the code group').to.equal('help-text');
    expect(boxes(el).every((box) => box.getAttribute('aria-invalid') === 'true')).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part="attempts"]')!.textContent).to.equal('2 attempts left');
  });

  it('focuses the heading, not the boxes, on a fresh MFA step', async () => {
    const el = await renderMfa();
    await el.focusHeading();
    expect(el.shadowRoot!.activeElement?.getAttribute('role')).to.equal('heading');
  });

  it('keeps the boxes read-only and the button disabled with a spinner while the code is checked', async () => {
    const el = await renderMfa();
    const submits = recordSubmits(el);
    el.pending = true;
    await el.updateComplete;
    await codeInput(el).updateComplete;
    expect(boxes(el).every((box) => box.readOnly)).to.equal(true);
    expect(verifyButton(el).disabled).to.equal(true);
    expect(verifyButton(el).querySelector('.spinner')).to.exist;
    codeInput(el).value = '123456';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(submits).to.deep.equal([]);
  });

  it('offers a resend button only when the step can resend, and emits resend', async () => {
    expect((await renderMfa()).shadowRoot!.querySelector('[part="resend-button"]')).to.equal(null);
    const el = await renderMfa({ ...mfaStep, method: 'sms', canResend: true });
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="resend-button"]')!.click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'resend', stepId: 'step-mfa' });
  });

  it('passes an axe accessibility audit, with and without the wrong-code alert', async () => {
    await expect(await renderMfa({ ...mfaStep, help: 'Codes change every 30 seconds.' })).to.be.accessible();
    await expect(await renderMfa({ ...mfaStep, canResend: true, error: 'invalid_code' })).to.be.accessible();
  });
});
