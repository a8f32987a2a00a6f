import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import { loadConfirmElement, type KeywayConfirm, type KeywaySubmitEvent, type KeywaySuccess } from '../../src/widget/index.js';
import { confirmStep, signedInStep } from './fixtures.js';

describe('<keyway-confirm>', () => {
  before(() => loadConfirmElement());

  it('says who signs in to what, and continues only on the click', async () => {
    const el = await fixture<KeywayConfirm>(html`<keyway-confirm .step=${confirmStep}></keyway-confirm>`);
    expect(el.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal('Sign in to Acme CRM');
    expect(el.shadowRoot!.textContent).to.contain('Continue as j•••@example.com?');
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click());
    const event = (await oneEvent(el, 'keyway-submit')) as KeywaySubmitEvent;
    expect(event.input).to.deep.equal({ kind: 'confirm', stepId: 'step-confirm' });
  });

  it('disables the button while the server answers', async () => {
    const el = await fixture<KeywayConfirm>(html`<keyway-confirm .step=${confirmStep} pending></keyway-confirm>`);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit-button"]')!;
    expect(button.disabled).to.equal(true);
    let fired = false;
    el.addEventListener('keyway-submit', () => (fired = true));
    button.click();
    expect(fired).to.equal(false);
  });

  it('passes an axe accessibility audit', async () => {
    const el = await fixture<KeywayConfirm>(html`<keyway-confirm .step=${confirmStep}></keyway-confirm>`);
    await expect(el).to.be.accessible();
  });
});

describe('<keyway-success> for a sign-in', () => {
  it('says the user is signed in and names the app', async () => {
    const el = await fixture<KeywaySuccess>(html`<keyway-success .step=${signedInStep} .secondsLeft=${2}></keyway-success>`);
    expect(el.shadowRoot!.querySelector('[role="heading"]')!.textContent).to.equal('You are signed in');
    expect(el.shadowRoot!.textContent).to.contain('Taking you back to Acme CRM.');
    await expect(el).to.be.accessible();
  });
});
