import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayFailure, KeywaySubmitEvent, KeywaySuccess } from '../../src/widget/index.js';
import { failureStep, successStep } from './fixtures.js';

describe('<keyway-success>', () => {
  it('says the account is connected, names the provider and shows the countdown', async () => {
    const el = await fixture<KeywaySuccess>(
      html`<keyway-success .step=${successStep} provider-name="Demo bank" .secondsLeft=${3}></keyway-success>`,
    );
    const text = el.shadowRoot!.textContent!;
    expect(text).to.contain('Account connected').and.contain('Your Demo bank account is now connected.');
    expect(el.shadowRoot!.querySelector('[part="countdown"]')!.textContent).to.equal('Redirecting in 3 s');
  });

  it('emits keyway-continue from "Continue now"', async () => {
    const el = await fixture<KeywaySuccess>(html`<keyway-success .step=${successStep} .secondsLeft=${3}></keyway-success>`);
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="continue-button"]')!.click());
    await oneEvent(el, 'keyway-continue');
  });

  it('has no countdown when the step has no redirect URL', async () => {
    const { redirectUrl: _none, ...step } = successStep;
    const el = await fixture<KeywaySuccess>(html`<keyway-success .step=${step} .secondsLeft=${3}></keyway-success>`);
    expect(el.shadowRoot!.querySelector('[part="countdown"]')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('You can close this window.');
  });

  it('passes an axe accessibility audit', async () => {
    const el = await fixture<KeywaySuccess>(html`<keyway-success .step=${successStep} .secondsLeft=${3}></keyway-success>`);
    await expect(el).to.be.accessible();
  });
});

describe('<keyway-failure>', () => {
  it('explains each failure reason in plain words', async () => {
    const expected = {
      link_expired: 'This link has expired',
      user_cancelled: 'Connection cancelled',
      mfa_locked: 'Too many wrong codes',
      access_denied: 'Access was not granted',
      provider_error: 'The service did not respond',
      link_not_found: 'This link is not valid',
      link_used: 'This link was already used',
    } as const;
    for (const [reason, heading] of Object.entries(expected)) {
      const step = { ...failureStep, reason: reason as keyof typeof expected };
      const el = await fixture<KeywayFailure>(html`<keyway-failure .step=${step}></keyway-failure>`);
      expect(el.shadowRoot!.querySelector('[role="heading"]')!.textContent, reason).to.equal(heading);
    }
  });

  it('shows the countdown and continue button when it redirects', async () => {
    const el = await fixture<KeywayFailure>(html`<keyway-failure .step=${failureStep} .secondsLeft=${2}></keyway-failure>`);
    expect(el.shadowRoot!.querySelector('[part="countdown"]')!.textContent).to.equal('Redirecting in 2 s');
    setTimeout(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="continue-button"]')!.click());
    await oneEvent(el, 'keyway-continue');
  });

  it('offers "Try again" instead of a countdown on a retryable failure, and asks to go back', async () => {
    const retryable = { kind: 'failure' as const, id: 'step-retry', reason: 'provider_error' as const, message: 'Down.', retryable: true };
    const el = await fixture<KeywayFailure>(html`<keyway-failure .step=${retryable} .secondsLeft=${2}></keyway-failure>`);
    expect(el.shadowRoot!.querySelector('[part="countdown"]')).to.equal(null);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="try-again-button"]')!;
    expect(button.textContent).to.equal('Try again');
    setTimeout(() => button.click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'back', stepId: 'step-retry' });
    await expect(el).to.be.accessible();
  });

  it('has no "Try again" on a failure that cannot be retried', async () => {
    const el = await fixture<KeywayFailure>(html`<keyway-failure .step=${failureStep}></keyway-failure>`);
    expect(el.shadowRoot!.querySelector('[part="try-again-button"]')).to.equal(null);
  });

  it('passes an axe accessibility audit', async () => {
    const el = await fixture<KeywayFailure>(html`<keyway-failure .step=${failureStep} .secondsLeft=${2}></keyway-failure>`);
    await expect(el).to.be.accessible();
  });
});
