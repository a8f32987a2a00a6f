import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/profile/profile.js';
import '../../src/widget/password-setup/password-setup.js';
import '../../src/widget/mfa-setup/mfa-setup.js';
import type { StepOf } from '../../src/protocol/index.js';
import type { KeywayMfaSetup } from '../../src/widget/mfa-setup/mfa-setup.js';
import type { KeywayPasswordSetup } from '../../src/widget/password-setup/password-setup.js';
import type { KeywayProfile } from '../../src/widget/profile/profile.js';
import type { KeywaySubmitEvent } from '../../src/widget/events/submit.js';
import { mfaSetupStep } from './fixtures.js';

const profileStep: StepOf<'profile'> = {
  kind: 'profile',
  id: 'step-profile',
  appName: 'Acme CRM',
  fields: [
    { name: 'first_name', label: 'First name', type: 'text', required: true, autocomplete: 'given-name', maxLength: 100, value: 'marie' },
    { name: 'last_name', label: 'Last name', type: 'text', required: true, autocomplete: 'family-name', maxLength: 100 },
    { name: 'phone_number', label: 'Phone number (optional)', type: 'text', required: false, autocomplete: 'tel', pattern: '\\+[1-9][0-9]{6,14}', maxLength: 16 },
    {
      name: 'timezone',
      label: 'Time zone (optional)',
      type: 'select',
      required: false,
      options: [
        { value: 'UTC', label: 'UTC' },
        { value: 'Europe/Vienna', label: 'Europe/Vienna' },
      ],
      value: 'Europe/Vienna',
    },
  ],
};

const passwordStep: StepOf<'password-setup'> = { kind: 'password-setup', id: 'step-password', appName: 'Acme CRM', username: 'marie@acme.test', minLength: 12, optional: true };

const control = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLInputElement & HTMLSelectElement>(`[name="${name}"]`)!;
const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);

describe('<keyway-profile>', () => {
  it('prefills the fields from the step, selects the stored time zone, uses autofill tokens, and passes axe', async () => {
    const el = await fixture<KeywayProfile>(html`<keyway-profile .step=${profileStep}></keyway-profile>`);
    expect(control(el, 'first_name').value).to.equal('marie');
    expect(control(el, 'first_name').autocomplete).to.equal('given-name');
    expect(control(el, 'phone_number').autocomplete).to.equal('tel');
    expect(control(el, 'timezone').value).to.equal('Europe/Vienna');
    expect(part(el, 'heading')!.textContent).to.equal('Complete your profile');
    await expect(el).to.be.accessible();
  });

  it('refuses an empty required field and a malformed phone number without asking the server, then submits the values', async () => {
    const el = await fixture<KeywayProfile>(html`<keyway-profile .step=${profileStep}></keyway-profile>`);
    let submitted: KeywaySubmitEvent | undefined;
    el.addEventListener('keyway-submit', (event) => (submitted = event));
    control(el, 'phone_number').value = '0664 123';
    part(el, 'submit-button')!.click();
    await el.updateComplete;
    expect(submitted).to.equal(undefined);
    const errors = [...el.shadowRoot!.querySelectorAll('[part="field-error"]')].map((node) => node.textContent);
    expect(errors).to.deep.equal(['This field is required.', 'This value is not in the expected format.']);
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'last_name'));

    control(el, 'last_name').value = 'Curie';
    control(el, 'phone_number').value = '+4368120265807';
    setTimeout(() => part(el, 'submit-button')!.click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({
      kind: 'profile',
      stepId: 'step-profile',
      values: { first_name: 'marie', last_name: 'Curie', phone_number: '+4368120265807', timezone: 'Europe/Vienna' },
    });
  });

  it('shows the server’s error next to its field until the field is edited', async () => {
    const el = await fixture<KeywayProfile>(html`<keyway-profile .step=${{ ...profileStep, errors: { timezone: 'Choose a time zone from the list.' } }}></keyway-profile>`);
    expect(part(el, 'field-error')!.textContent).to.equal('Choose a time zone from the list.');
    control(el, 'timezone').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'field-error')).to.equal(null);
  });
});

describe('<keyway-password-setup>', () => {
  it('pairs a hidden username with a new-password field for password managers, and passes axe', async () => {
    const el = await fixture<KeywayPasswordSetup>(html`<keyway-password-setup .step=${passwordStep}></keyway-password-setup>`);
    expect(control(el, 'username').value).to.equal('marie@acme.test');
    expect(control(el, 'username').autocomplete).to.equal('username');
    expect(control(el, 'password').autocomplete).to.equal('new-password');
    expect(control(el, 'password').minLength).to.equal(12);
    await expect(el).to.be.accessible();
  });

  it('refuses a short password itself, sends a long enough one, and skips when the step is optional', async () => {
    const el = await fixture<KeywayPasswordSetup>(html`<keyway-password-setup .step=${passwordStep}></keyway-password-setup>`);
    let submitted: KeywaySubmitEvent | undefined;
    el.addEventListener('keyway-submit', (event) => (submitted = event), { once: true });
    control(el, 'password').value = 'short';
    part(el, 'submit-button')!.click();
    await el.updateComplete;
    expect(submitted).to.equal(undefined);
    expect(part(el, 'field-error')!.textContent).to.equal('Use at least 12 characters.');

    control(el, 'password').value = 'radium and polonium';
    setTimeout(() => part(el, 'submit-button')!.click());
    expect((await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit')).input).to.deep.equal({ kind: 'password', stepId: 'step-password', password: 'radium and polonium' });
    setTimeout(() => part(el, 'skip-button')!.click());
    expect((await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit')).input).to.deep.equal({ kind: 'skip', stepId: 'step-password' });
  });

  it('shows the server’s refusal, and offers no skip when the password is required', async () => {
    const el = await fixture<KeywayPasswordSetup>(html`<keyway-password-setup .step=${{ ...passwordStep, optional: false, error: 'The password is, or is built on, one of the most common passwords; choose another.' }}></keyway-password-setup>`);
    expect(part(el, 'field-error')!.textContent).to.contain('most common passwords');
    expect(part(el, 'skip-button')).to.equal(null);
  });
});

describe('<keyway-mfa-setup> in an onboarding', () => {
  const setupStep = mfaSetupStep;

  it('offers a skip only when the step may be skipped, and sends it', async () => {
    const required = await fixture<KeywayMfaSetup>(html`<keyway-mfa-setup .step=${setupStep}></keyway-mfa-setup>`);
    expect(part(required, 'skip-button')).to.equal(null);
    const optional = await fixture<KeywayMfaSetup>(html`<keyway-mfa-setup .step=${{ ...setupStep, canSkip: true }}></keyway-mfa-setup>`);
    setTimeout(() => part(optional, 'skip-button')!.click());
    expect((await oneEvent<KeywaySubmitEvent>(optional, 'keyway-submit')).input).to.deep.equal({ kind: 'skip', stepId: 'step-setup' });
    await expect(optional).to.be.accessible();
  });
});
