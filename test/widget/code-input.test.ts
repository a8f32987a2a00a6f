import { expect, fixture, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import '../../src/widget/code-input/code-input.js';
import type { KeywayCodeInput } from '../../src/widget/code-input/code-input.js';

async function renderCodeInput(length = 6): Promise<KeywayCodeInput> {
  return fixture<KeywayCodeInput>(html`<keyway-code-input label="Verification code" length=${length}></keyway-code-input>`);
}

function boxes(el: KeywayCodeInput): HTMLInputElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input')];
}

function boxValues(el: KeywayCodeInput): string[] {
  return boxes(el).map((box) => box.value);
}

function focusedIndex(el: KeywayCodeInput): number {
  return boxes(el).indexOf(el.shadowRoot!.activeElement as HTMLInputElement);
}

async function paste(target: HTMLElement, text: string): Promise<void> {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  target.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
}

async function settled(el: KeywayCodeInput): Promise<void> {
  await el.updateComplete;
  await el.updateComplete;
}

describe('<keyway-code-input>', () => {
  it('draws one numeric box per digit, each named "Digit n of length", in a group named by the label', async () => {
    const el = await renderCodeInput(4);
    expect(boxes(el)).to.have.length(4);
    expect(boxes(el).map((box) => box.getAttribute('aria-label'))).to.deep.equal(['Digit 1 of 4', 'Digit 2 of 4', 'Digit 3 of 4', 'Digit 4 of 4']);
    expect(boxes(el).every((box) => box.getAttribute('inputmode') === 'numeric')).to.equal(true);
    const group = el.shadowRoot!.querySelector('[role="group"]')!;
    expect(el.shadowRoot!.getElementById(group.getAttribute('aria-labelledby')!)!.textContent).to.equal('Verification code');
  });

  it('offers one-time-code autofill on the first box only, without a length cap that would cut an autofilled code', async () => {
    const el = await renderCodeInput();
    expect(boxes(el).map((box) => box.getAttribute('autocomplete'))).to.deep.equal(['one-time-code', 'off', 'off', 'off', 'off', 'off']);
    expect(boxes(el)[0]!.maxLength).to.equal(-1);
  });

  it('moves to the next box as digits are typed, and ignores anything but digits', async () => {
    const el = await renderCodeInput();
    el.focus();
    await sendKeys({ type: '12a' });
    await settled(el);
    expect(boxValues(el)).to.deep.equal(['1', '2', '', '', '', '']);
    expect(focusedIndex(el)).to.equal(2);
    expect(el.value).to.equal('12');
  });

  it('focuses its first box when focused (delegatesFocus)', async () => {
    const el = await renderCodeInput();
    el.focus();
    expect(focusedIndex(el)).to.equal(0);
  });

  it('spreads a pasted code over the boxes from the first, whichever box it is pasted into, dropping spaces and dashes', async () => {
    const el = await renderCodeInput();
    await paste(boxes(el)[3]!, ' 123-456 ');
    await settled(el);
    expect(boxValues(el)).to.deep.equal(['1', '2', '3', '4', '5', '6']);
    expect(el.value).to.equal('123456');
    expect(focusedIndex(el)).to.equal(5);
  });

  it('fills from the focused box when a shorter run of digits is pasted', async () => {
    const el = await renderCodeInput();
    await paste(boxes(el)[2]!, '78');
    await settled(el);
    expect(boxValues(el)).to.deep.equal(['', '', '7', '8', '', '']);
    expect(focusedIndex(el)).to.equal(4);
  });

  it('spreads a whole code that arrives in the first box at once (OS or browser one-time-code autofill)', async () => {
    const el = await renderCodeInput();
    const first = boxes(el)[0]!;
    first.value = '654321';
    first.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await settled(el);
    expect(boxValues(el)).to.deep.equal(['6', '5', '4', '3', '2', '1']);
  });

  it('replaces the digit of a box that is typed into again', async () => {
    const el = await renderCodeInput();
    el.value = '111111';
    await el.updateComplete;
    boxes(el)[2]!.focus();
    await sendKeys({ type: '9' });
    await settled(el);
    expect(el.value).to.equal('119111');
    expect(focusedIndex(el)).to.equal(3);
  });

  it('clears the current digit with Backspace, then moves back and clears the previous one from an empty box', async () => {
    const el = await renderCodeInput();
    el.focus();
    await sendKeys({ type: '123' });
    await settled(el);
    expect(focusedIndex(el)).to.equal(3);
    await sendKeys({ press: 'Backspace' });
    await settled(el);
    expect(boxValues(el).slice(0, 4)).to.deep.equal(['1', '2', '', '']);
    expect(focusedIndex(el)).to.equal(2);
    await sendKeys({ press: 'Backspace' });
    await settled(el);
    expect(boxValues(el).slice(0, 3)).to.deep.equal(['1', '', '']);
    expect(focusedIndex(el)).to.equal(1);
  });

  it('moves with ArrowLeft, ArrowRight, Home and End', async () => {
    const el = await renderCodeInput();
    el.focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    expect(focusedIndex(el)).to.equal(2);
    await sendKeys({ press: 'ArrowLeft' });
    expect(focusedIndex(el)).to.equal(1);
    await sendKeys({ press: 'End' });
    expect(focusedIndex(el)).to.equal(5);
    await sendKeys({ press: 'Home' });
    expect(focusedIndex(el)).to.equal(0);
    await sendKeys({ press: 'ArrowLeft' });
    expect(focusedIndex(el), 'stays on the first box').to.equal(0);
  });

  it('keeps the digits left to right in a right-to-left page, as codes are written, with arrows that match', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div dir="rtl"><keyway-code-input length="4"></keyway-code-input></div>`);
    const el = wrapper.querySelector('keyway-code-input')!;
    await el.updateComplete;
    const [first, second] = boxes(el);
    expect(first!.getBoundingClientRect().left, 'the first digit is on the left').to.be.below(second!.getBoundingClientRect().left);
    el.focus();
    await sendKeys({ press: 'ArrowRight' });
    expect(focusedIndex(el)).to.equal(1);
    await sendKeys({ press: 'ArrowLeft' });
    expect(focusedIndex(el)).to.equal(0);
  });

  it('mirrors the arrow keys when the row of boxes is drawn right to left', async () => {
    const style = document.createElement('style');
    style.textContent = 'keyway-code-input.mirrored::part(boxes) { direction: rtl; }';
    document.head.append(style);
    try {
      const el = await fixture<KeywayCodeInput>(html`<keyway-code-input class="mirrored" length="4"></keyway-code-input>`);
      const [first, second] = boxes(el);
      expect(first!.getBoundingClientRect().left, 'the first digit is on the right').to.be.above(second!.getBoundingClientRect().left);
      el.focus();
      await sendKeys({ press: 'ArrowLeft' });
      expect(focusedIndex(el), 'ArrowLeft goes to the next digit, drawn on the left').to.equal(1);
      await sendKeys({ press: 'ArrowRight' });
      expect(focusedIndex(el)).to.equal(0);
    } finally {
      style.remove();
    }
  });

  it('fires input on each edit and change when the last empty box is filled', async () => {
    const el = await renderCodeInput(4);
    let inputs = 0;
    el.addEventListener('input', () => (inputs += 1));
    let changes = 0;
    el.addEventListener('change', () => (changes += 1));
    el.focus();
    await sendKeys({ type: '123' });
    await settled(el);
    expect(inputs).to.equal(3);
    expect(changes).to.equal(0);
    setTimeout(() => void sendKeys({ type: '4' }));
    await oneEvent(el, 'change');
    expect(changes).to.equal(1);
    expect(el.complete).to.equal(true);
  });

  it('contributes its value to the form data under its name, and a form reset clears it', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><keyway-code-input name="code" length="4"></keyway-code-input></form>`);
    const el = form.querySelector('keyway-code-input')!;
    await el.updateComplete;
    el.focus();
    await sendKeys({ type: '4321' });
    await settled(el);
    expect(el.form).to.equal(form);
    expect(new FormData(form).get('code')).to.equal('4321');
    form.reset();
    await el.updateComplete;
    expect(el.value).to.equal('');
    expect(boxValues(el)).to.deep.equal(['', '', '', '']);
    expect(new FormData(form).get('code')).to.equal('');
  });

  it('reports a missing or incomplete code through the form validity', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><keyway-code-input name="code" length="4" required></keyway-code-input></form>`);
    const el = form.querySelector('keyway-code-input')!;
    await el.updateComplete;
    expect(el.validity.valueMissing).to.equal(true);
    expect(form.checkValidity()).to.equal(false);
    el.value = '12';
    await el.updateComplete;
    expect(el.validity.tooShort).to.equal(true);
    expect(el.validationMessage).to.equal('Enter all 4 digits.');
    el.value = '1234';
    await el.updateComplete;
    expect(el.validity.valid).to.equal(true);
    expect(form.checkValidity()).to.equal(true);
  });

  it('submits its form on Enter', async () => {
    const form = await fixture<HTMLFormElement>(html`<form @submit=${(event: Event) => event.preventDefault()}><keyway-code-input name="code" length="4"></keyway-code-input></form>`);
    const el = form.querySelector('keyway-code-input')!;
    await el.updateComplete;
    el.focus();
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    await oneEvent(form, 'submit');
  });

  it('is disabled with its fieldset: no edits, no form value', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><fieldset disabled><keyway-code-input name="code" length="4"></keyway-code-input></fieldset></form>`);
    const el = form.querySelector('keyway-code-input')!;
    el.value = '1234';
    await el.updateComplete;
    expect(boxes(el).every((box) => box.disabled)).to.equal(true);
    expect(new FormData(form).has('code')).to.equal(false);
  });

  it('passes an axe accessibility audit', async () => {
    const el = await renderCodeInput();
    el.invalid = true;
    await expect(el).to.be.accessible();
  });
});
