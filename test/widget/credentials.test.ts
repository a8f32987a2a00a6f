import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayCredentials, KeywaySubmitEvent } from '../../src/widget/index.js';
import { credentialsStep } from './fixtures.js';

type Control = HTMLInputElement | HTMLSelectElement;

async function renderForm(step = credentialsStep): Promise<KeywayCredentials> {
  return fixture<KeywayCredentials>(html`<keyway-credentials .step=${step} provider-name="Demo bank"></keyway-credentials>`);
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

describe('<keyway-credentials>', () => {
  it('renders a labelled control per field with the type, name, autocomplete and rules the server gave', async () => {
    const el = await renderForm();
    const username = control(el, 'username') as HTMLInputElement;
    expect(username.type).to.equal('text');
    expect(username.getAttribute('autocomplete')).to.equal('username');
    expect(username.required).to.equal(true);
    expect(username.maxLength).to.equal(128);
    const password = control(el, 'password') as HTMLInputElement;
    expect(password.type).to.equal('password');
    expect(password.getAttribute('autocomplete')).to.equal('current-password');
    expect(password.minLength).to.equal(4);
    expect((control(el, 'email') as HTMLInputElement).type).to.equal('email');
    expect((control(el, 'email') as HTMLInputElement).required).to.equal(false);
    expect((control(el, 'pin') as HTMLInputElement).type).to.equal('number');
    const region = control(el, 'region') as HTMLSelectElement;
    expect(region.tagName).to.equal('SELECT');
    expect([...region.options].map((option) => option.value)).to.deep.equal(['', 'eu', 'us']);
    for (const field of credentialsStep.fields) {
      const label = el.shadowRoot!.querySelector(`label[for="field-${field.name}"]`);
      expect(label?.textContent?.trim(), field.name).to.equal(field.label);
    }
  });

  it('sits in a real form so password managers can fill it', async () => {
    const el = await renderForm();
    const form = el.shadowRoot!.querySelector('form')!;
    expect(form.contains(control(el, 'username'))).to.equal(true);
    expect(form.contains(control(el, 'password'))).to.equal(true);
    expect(submitButton(el).form).to.equal(form);
  });

  it('connects a field hint through aria-describedby', async () => {
    const el = await renderForm();
    const username = control(el, 'username');
    const hint = el.shadowRoot!.getElementById(username.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).to.equal('Demo account: demo');
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

  it('emits the field values as a credentials step input on submit', async () => {
    const el = await renderForm();
    fill(el, { username: 'demo', password: 'demo-pass', region: 'eu' });
    setTimeout(() => submitButton(el).click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({
      kind: 'credentials',
      stepId: 'step-credentials',
      values: { username: 'demo', password: 'demo-pass', email: '', pin: '', region: 'eu' },
    });
  });

  it('blocks the submit of an empty required field and says why next to it', async () => {
    const el = await renderForm();
    fill(el, { password: 'demo-pass', region: 'eu' });
    let emitted = false;
    el.addEventListener('keyway-submit', () => (emitted = true));
    submitButton(el).click();
    await el.updateComplete;
    expect(emitted).to.equal(false);
    const username = control(el, 'username');
    expect(username.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.getElementById('field-username-error')!.textContent).to.equal('This field is required.');
    expect(el.shadowRoot!.activeElement).to.equal(username);
  });

  it('blocks a value that breaks the field pattern or minimum length', async () => {
    const el = await renderForm();
    fill(el, { username: 'demo', password: 'abc', region: 'eu' });
    let emitted = false;
    el.addEventListener('keyway-submit', () => (emitted = true));
    submitButton(el).click();
    await el.updateComplete;
    expect(emitted).to.equal(false);
    expect(el.shadowRoot!.getElementById('field-password-error')!.textContent).to.equal('Use at least 4 characters.');
  });

  it('disables the submit button and shows a spinner while pending', async () => {
    const el = await renderForm();
    el.pending = true;
    await el.updateComplete;
    expect(submitButton(el).disabled).to.equal(true);
    expect(submitButton(el).querySelector('.spinner')).to.exist;
  });

  it('passes an axe accessibility audit, with and without errors', async () => {
    await expect(await renderForm()).to.be.accessible();
    await expect(await renderForm({ ...credentialsStep, errors: { password: 'Wrong password.', _form: 'Try again.' } })).to.be.accessible();
  });
});
