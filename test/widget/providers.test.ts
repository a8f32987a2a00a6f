import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayProviders, KeywaySubmitEvent } from '../../src/widget/index.js';
import { providersStep } from './fixtures.js';

async function renderProviders(pending = false): Promise<KeywayProviders> {
  return fixture<KeywayProviders>(html`<keyway-providers .step=${providersStep} .pending=${pending}></keyway-providers>`);
}

const ICON = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';

function buttons(el: KeywayProviders): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="provider"]')];
}

describe('<keyway-providers>', () => {
  it('draws its heading at level 2 by default and at the level it is given', async () => {
    const el = await renderProviders();
    expect(el.shadowRoot!.querySelector('[role="heading"]')!.getAttribute('aria-level')).to.equal('2');
    const page = await fixture<KeywayProviders>(html`<keyway-providers .step=${providersStep} heading-level="1"></keyway-providers>`);
    expect(page.shadowRoot!.querySelector('[role="heading"]')!.getAttribute('aria-level')).to.equal('1');
  });

  it('shows one button per provider the step allows, with its name and sign-in method', async () => {
    const el = await renderProviders();
    const shown = buttons(el);
    expect(shown.map((button) => button.dataset['provider'])).to.deep.equal(['GOOGLE', 'IMAP', 'DEMO']);
    expect(shown[0]!.textContent).to.contain('Google').and.contain('Sign in on their website');
    expect(shown[1]!.textContent).to.contain('Username and password');
  });

  it('marks demo-only providers with a visible Demo badge', async () => {
    const el = await renderProviders();
    const badges = el.shadowRoot!.querySelectorAll('[part="badge"]');
    expect(badges).to.have.length(1);
    expect(badges[0]!.closest('button')!.dataset['provider']).to.equal('DEMO');
    expect(badges[0]!.textContent!.trim()).to.equal('Demo');
  });

  it('shows a provider icon as a decorative image (the name is the text)', async () => {
    const step = { ...providersStep, providers: [{ id: 'GOOGLE', name: 'Google', method: 'oauth' as const, icon: ICON }] };
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${step}></keyway-providers>`);
    const icon = el.shadowRoot!.querySelector('img[part="icon"]')!;
    expect(icon.getAttribute('src')).to.equal(ICON);
    expect(icon.getAttribute('alt')).to.equal('');
  });

  it('emits the chosen provider as a providers step input', async () => {
    const el = await renderProviders();
    setTimeout(() => buttons(el)[1]!.click());
    const event = await oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    expect(event.input).to.deep.equal({ kind: 'providers', stepId: 'step-providers', provider: 'IMAP' });
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('disables every provider while the wizard waits for the server', async () => {
    const el = await renderProviders(true);
    expect(buttons(el).every((button) => button.disabled)).to.equal(true);
  });

  it('passes an axe accessibility audit', async () => {
    const el = await renderProviders();
    await expect(el).to.be.accessible();
  });
});
