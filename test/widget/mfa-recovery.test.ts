import { expect, fixture, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import '../../src/widget/mfa/mfa.js';
import type { KeywayMfa, KeywaySubmitEvent } from '../../src/widget/index.js';
import { mfaStep } from './fixtures.js';

const signInStep = { ...mfaStep, provider: undefined, providerName: undefined, hint: undefined, canUseRecoveryCode: true } as const;
const render = (step: KeywayMfa['step'] = signInStep) => fixture<KeywayMfa>(html`<keyway-mfa .step=${step}></keyway-mfa>`);
const part = <T extends Element>(el: KeywayMfa, name: string) => el.shadowRoot!.querySelector<T>(`[part="${name}"]`);

describe('<keyway-mfa> with a recovery code', () => {
  it('offers a recovery code only when the step accepts one', async () => {
    expect(part((await render(mfaStep)), 'recovery-button')).to.equal(null);
    const el = await render();
    expect(part(el, 'recovery-button')!.textContent!.trim()).to.equal('Use a recovery code instead');
  });

  it('switches to one labelled field, focused, and sends what is typed as a recovery input', async () => {
    const el = await render();
    part<HTMLButtonElement>(el, 'recovery-button')!.click();
    await el.updateComplete;
    const field = el.shadowRoot!.querySelector<HTMLInputElement>('#recovery-code')!;
    expect(el.shadowRoot!.querySelector('keyway-code-input')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(field);
    expect(el.shadowRoot!.querySelector('label[for="recovery-code"]')!.textContent).to.equal('Recovery code');
    expect(part(el, 'recovery-button')!.textContent!.trim()).to.equal('Use the code from your app');
    await expect(el).to.be.accessible();
    await sendKeys({ type: '7kq2-m9xd-4hwp-3tce' });
    const submitted = oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    await sendKeys({ press: 'Enter' });
    expect((await submitted).input).to.deep.equal({ kind: 'recovery', stepId: 'step-mfa', code: '7kq2-m9xd-4hwp-3tce' });
  });

  it('asks for a code when the field is empty, and shows a refused one as an alert', async () => {
    const el = await render();
    part<HTMLButtonElement>(el, 'recovery-button')!.click();
    await el.updateComplete;
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.contain('Enter a recovery code.');
    el.step = { ...signInStep, id: 'step-2', error: 'invalid_code', attemptsLeft: 2 };
    await el.updateComplete;
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'error')!.textContent).to.contain('That code did not work.');
    expect(part(el, 'attempts')!.textContent).to.contain('2 attempts left');
    await expect(el).to.be.accessible();
  });
});
