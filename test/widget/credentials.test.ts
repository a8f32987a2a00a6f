import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import type { Field, StepOf } from '../../src/protocol/index.js';
import '../../src/widget/credentials/credentials.js';
import type { KeywayCredentials, KeywaySubmitEvent } from '../../src/widget/index.js';
import { credentialsStep } from './fixtures.js';

type Control = HTMLInputElement | HTMLSelectElement;

async function renderForm(step: StepOf<'credentials'> = credentialsStep): Promise<KeywayCredentials> {
  return fixture<KeywayCredentials>(html`<keyway-credentials .step=${step} provider-name="Demo bank"></keyway-credentials>`);
}

function withFields(...fields: Field[]): StepOf<'credentials'> {
  return { ...credentialsStep, fields };
}

function control(el: KeywayCredentials, name: string): Control {
  return el.shadowRoot!.querySelector<Control>(`[name="${name}"]`)!;
}

function fill(el: KeywayCredentials, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const target = control(el, name);
    target.value = value;
    target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
}

function submitButton(el: KeywayCredentials): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button[type="submit"]')!;
}

function fieldError(el: KeywayCredentials, name: string): HTMLElement | null {
  return el.shadowRoot!.getElementById(`field-${name}-error`);
}

function recordSubmits(el: KeywayCredentials): KeywaySubmitEvent['input'][] {
  const inputs: KeywaySubmitEvent['input'][] = [];
  el.addEventListener('keyway-submit', (event) => inputs.push(event.input));
  return inputs;
}

/** Submits and waits until the form shows the error of `name` (the rules load on demand). */
async function submitExpectingError(el: KeywayCredentials, name: string): Promise<string> {
  submitButton(el).click();
  await waitUntil(() => fieldError(el, name), `no error was shown for ${name}`);
  return fieldError(el, name)!.textContent!;
}

const REGION: Field = {
  name: 'region',
  label: 'Region',
  type: 'select',
  required: true,
  options: [
    { value: 'eu', label: 'Europe' },
    { value: 'us', label: 'United States' },
  ],
};

describe('<keyway-credentials>', () => {
  it('renders a labelled control per field with the type, name, autocomplete and rules the server gave', async () => {
    const el = await renderForm();
    const username = control(el, 'username') as HTMLInputElement;
    expect(username.type).to.equal('text');
    expect(username.required).to.equal(true);
    expect(username.maxLength).to.equal(128);
    const password = control(el, 'password') as HTMLInputElement;
    expect(password.type).to.equal('password');
    expect(password.minLength).to.equal(4);
    expect((control(el, 'email') as HTMLInputElement).type).to.equal('email');
    expect((control(el, 'email') as HTMLInputElement).required).to.equal(false);
    expect(control(el, 'pin').getAttribute('inputmode')).to.equal('decimal');
    const region = control(el, 'region') as HTMLSelectElement;
    expect(region.tagName).to.equal('SELECT');
    expect([...region.options].map((option) => option.value)).to.deep.equal(['', 'eu', 'us']);
    for (const field of credentialsStep.fields) {
      const label = el.shadowRoot!.querySelector(`label[for="field-${field.name}"]`);
      expect(label?.textContent?.trim(), field.name).to.equal(field.label);
    }
  });

  it('gives password managers what they look for: a real form, named inputs with the server autocomplete, a submit button', async () => {
    const el = await renderForm();
    const form = el.shadowRoot!.querySelector('form')!;
    expect(form).to.be.instanceOf(HTMLFormElement);
    for (const [name, autocomplete] of [['username', 'username'], ['password', 'current-password'], ['email', 'email']] as const) {
      const input = control(el, name) as HTMLInputElement;
      expect(input.tagName, name).to.equal('INPUT');
      expect(input.form, `${name} is owned by the form`).to.equal(form);
      expect(input.getAttribute('autocomplete'), name).to.equal(autocomplete);
    }
    expect(submitButton(el).type).to.equal('submit');
    expect(submitButton(el).form).to.equal(form);
  });

  it('connects a field hint through aria-describedby and offers the field and step help', async () => {
    const el = await renderForm({
      ...credentialsStep,
      help: 'A demo provider.',
      fields: [{ ...credentialsStep.fields[0]!, help: 'The name you sign in with.' }],
    });
    const username = control(el, 'username');
    const hint = el.shadowRoot!.getElementById(username.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).to.equal('Demo account: demo');
    const helps = [...el.shadowRoot!.querySelectorAll('keyway-help')];
    expect(helps.map((help) => [help.text, help.topic])).to.deep.equal([
      ['A demo provider.', 'Demo bank'],
      ['The name you sign in with.', 'Username'],
    ]);
  });

  it('emits the values as a credentials step input, leaving out optional fields left empty', async () => {
    const el = await renderForm();
    fill(el, { username: 'demo', password: 'demo-pass', region: 'eu' });
    setTimeout(() => submitButton(el).click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({
      kind: 'credentials',
      stepId: 'step-credentials',
      values: { username: 'demo', password: 'demo-pass', region: 'eu' },
    });
  });

  it('starts a field with the value the server gave (a login hint), and sends what the user made of it', async () => {
    const el = await renderForm({ ...withFields({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'email', value: 'ann@example.com' }), appName: 'Acme CRM' });
    expect(control(el, 'email').value).to.equal('ann@example.com');
    expect(submitButton(el).textContent!.trim()).to.equal('Continue');
    fill(el, { email: 'ann.lee@example.com' });
    setTimeout(() => submitButton(el).click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'credentials', stepId: 'step-credentials', values: { email: 'ann.lee@example.com' } });
  });

  describe('checks values with the server rules and says why next to the field', () => {
    const cases: Array<{ rule: string; field: Field; value: string; message: string }> = [
      { rule: 'required', field: { name: 'username', label: 'Username', type: 'text', required: true }, value: '', message: 'This field is required.' },
      { rule: 'too_short', field: { name: 'password', label: 'Password', type: 'password', required: true, minLength: 4 }, value: 'abc', message: 'Use at least 4 characters.' },
      { rule: 'too_long', field: { name: 'code', label: 'Code', type: 'text', required: true, maxLength: 3 }, value: 'abcd', message: 'Use at most 3 characters.' },
      { rule: 'pattern', field: { name: 'pin', label: 'PIN', type: 'number', required: true, pattern: '[0-9]{4}' }, value: '12', message: 'This value is not in the expected format.' },
      { rule: 'email', field: { name: 'email', label: 'Email', type: 'email', required: true }, value: 'not-an-email', message: 'Enter an email address, like name@example.com.' },
      { rule: 'number', field: { name: 'amount', label: 'Amount', type: 'number', required: true }, value: '12abc', message: 'Enter a number.' },
    ];
    for (const { rule, field, value, message } of cases) {
      it(`${rule}: "${message}", with aria-invalid, and no submit`, async () => {
        const el = await renderForm(withFields(field));
        const submits = recordSubmits(el);
        // The value is set directly: maxlength stops typing but not a value the page sets, and the server rules must still catch it.
        fill(el, { [field.name]: value });
        expect(await submitExpectingError(el, field.name)).to.equal(message);
        expect(submits).to.deep.equal([]);
        expect(control(el, field.name).getAttribute('aria-invalid')).to.equal('true');
        expect(control(el, field.name).getAttribute('aria-describedby')).to.contain(`field-${field.name}-error`);
        expect(control(el, field.name).validationMessage, 'the rule reaches constraint validation').to.equal(message);
      });
    }

    it('option: a value that is not one of the offered options', async () => {
      const el = await renderForm(withFields(REGION));
      const select = control(el, 'region') as HTMLSelectElement;
      select.append(new Option('Mars', 'mars'));
      select.value = 'mars';
      expect(await submitExpectingError(el, 'region')).to.equal('Choose one of the options.');
    });
  });

  it('focuses the first refused field, and clears its message as soon as the value is fixed', async () => {
    const el = await renderForm();
    fill(el, { password: 'demo-pass', region: 'eu' });
    expect(await submitExpectingError(el, 'username')).to.equal('This field is required.');
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'username'));
    fill(el, { username: 'demo' });
    await waitUntil(() => !fieldError(el, 'username'), 'the fixed field still shows its error');
    expect(control(el, 'username').hasAttribute('aria-invalid')).to.equal(false);
  });

  it('checks a field when it is left after an edit, without judging fields not reached yet', async () => {
    const el = await renderForm();
    fill(el, { password: 'ab' });
    control(el, 'password').dispatchEvent(new Event('change', { bubbles: true }));
    await waitUntil(() => fieldError(el, 'password'), 'the edited field was not checked');
    expect(fieldError(el, 'password')!.textContent).to.equal('Use at least 4 characters.');
    expect(fieldError(el, 'username')).to.equal(null);
  });

  it('shows server errors next to their field with aria-invalid and role=alert, and form errors on top', async () => {
    const el = await renderForm({ ...credentialsStep, errors: { password: 'Wrong username or password.', _form: 'The bank is slow today.' } });
    const password = control(el, 'password');
    expect(password.getAttribute('aria-invalid')).to.equal('true');
    const describedBy = password.getAttribute('aria-describedby')!.split(' ');
    const error = el.shadowRoot!.getElementById(describedBy.find((id) => id.endsWith('-error'))!)!;
    expect(error.textContent).to.equal('Wrong username or password.');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(control(el, 'username').hasAttribute('aria-invalid')).to.equal(false);
    const formError = el.shadowRoot!.querySelector('[part="form-error"]')!;
    expect(formError.getAttribute('role')).to.equal('alert');
    expect(formError.textContent).to.contain('The bank is slow today.');
  });

  it('drops a field server error once the field is edited, and focuses the refused field when the step is shown', async () => {
    const el = await renderForm({ ...credentialsStep, errors: { password: 'Wrong username or password.' } });
    await el.focusHeading();
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'password'));
    fill(el, { password: 'x' });
    await el.updateComplete;
    expect(fieldError(el, 'password')).to.equal(null);
  });

  describe('password reveal toggle', () => {
    function toggle(el: KeywayCredentials): HTMLButtonElement {
      return el.shadowRoot!.querySelector<HTMLButtonElement>('[part="password-toggle"]')!;
    }

    it('is a translated toggle button (aria-pressed) that shows and hides the password', async () => {
      const el = await renderForm();
      const password = control(el, 'password') as HTMLInputElement;
      expect(toggle(el).getAttribute('aria-label')).to.equal('Show password');
      expect(toggle(el).getAttribute('aria-pressed')).to.equal('false');
      toggle(el).click();
      await el.updateComplete;
      expect(password.type).to.equal('text');
      expect(toggle(el).getAttribute('aria-pressed')).to.equal('true');
      toggle(el).click();
      await el.updateComplete;
      expect(password.type).to.equal('password');
      expect(toggle(el).getAttribute('aria-pressed')).to.equal('false');
    });

    it('leaves focus and the caret in the password field when clicked', async () => {
      const el = await renderForm();
      const password = control(el, 'password') as HTMLInputElement;
      password.focus();
      await sendKeys({ type: 'secret' });
      password.setSelectionRange(2, 4);
      const mousedown = new MouseEvent('mousedown', { bubbles: true, cancelable: true, composed: true });
      toggle(el).dispatchEvent(mousedown);
      expect(mousedown.defaultPrevented, 'mousedown would move focus to the button').to.equal(true);
      toggle(el).click();
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(password);
      expect([password.selectionStart, password.selectionEnd]).to.deep.equal([2, 4]);
      expect(password.type).to.equal('text');
    });

    it('works from the keyboard and keeps focus on the button', async () => {
      const el = await renderForm();
      control(el, 'password').focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(toggle(el));
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect((control(el, 'password') as HTMLInputElement).type).to.equal('text');
      expect(el.shadowRoot!.activeElement).to.equal(toggle(el));
    });
  });

  it('can be completed with the keyboard only: Tab between fields, Enter submits', async () => {
    const el = await renderForm(withFields(credentialsStep.fields[0]!, credentialsStep.fields[1]!));
    control(el, 'username').focus();
    await sendKeys({ type: 'demo' });
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'password'));
    await sendKeys({ type: 'demo-pass' });
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'credentials', stepId: 'step-credentials', values: { username: 'demo', password: 'demo-pass' } });
  });

  it('disables the submit button with a spinner and keeps the fields read-only while pending, and does not submit', async () => {
    const el = await renderForm();
    const submits = recordSubmits(el);
    fill(el, { username: 'demo', password: 'demo-pass', region: 'eu' });
    el.pending = true;
    await el.updateComplete;
    expect(submitButton(el).disabled).to.equal(true);
    expect(submitButton(el).querySelector('.spinner')).to.exist;
    expect((control(el, 'username') as HTMLInputElement).readOnly).to.equal(true);
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(submits).to.deep.equal([]);
  });

  it('clears its messages on a form reset', async () => {
    const el = await renderForm();
    await submitExpectingError(el, 'username');
    el.shadowRoot!.querySelector('form')!.reset();
    await el.updateComplete;
    expect(fieldError(el, 'username')).to.equal(null);
  });

  it('passes an axe accessibility audit, with and without errors', async () => {
    await expect(await renderForm({ ...credentialsStep, help: 'A demo provider.' })).to.be.accessible();
    await expect(await renderForm({ ...credentialsStep, errors: { password: 'Wrong password.', _form: 'Try again.' } })).to.be.accessible();
    const el = await renderForm();
    await submitExpectingError(el, 'username');
    await expect(el).to.be.accessible();
  });
});
