import { expect, fixture, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import type { StepOf } from '../../src/protocol/index.js';
import '../../src/widget/index.js';
import type { KeywayProviders, KeywaySubmitEvent } from '../../src/widget/index.js';
import { filterProviders } from '../../src/widget/providers/provider-search.js';

const many: StepOf<'providers'> = {
  kind: 'providers',
  id: 'step-many',
  providers: [
    { id: 'GOOGLE', name: 'Google', method: 'oauth' },
    { id: 'MICROSOFT', name: 'Microsoft', method: 'oauth' },
    { id: 'LINKEDIN', name: 'LinkedIn', method: 'oauth' },
    { id: 'WHATSAPP', name: 'WhatsApp', method: 'qr' },
    { id: 'TELEGRAM', name: 'Telegram', method: 'qr' },
    { id: 'INSTAGRAM', name: 'Instagram', method: 'oauth' },
    { id: 'IMAP', name: 'Courriel (IMAP)', method: 'credentials' },
  ],
};

const buttons = (el: KeywayProviders) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="provider"]')];
const shownIds = (el: KeywayProviders) => buttons(el).map((button) => button.dataset['provider']);

describe('<keyway-providers> search and keyboard', () => {
  it('shows no search box for six providers or fewer', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${{ ...many, providers: many.providers.slice(0, 6) }}></keyway-providers>`);
    expect(el.shadowRoot!.querySelector('input[type="search"]')).to.equal(null);
  });

  it('filters as you type, ignoring case and accents, and says how many match', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${many}></keyway-providers>`);
    const search = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="search"]')!;
    expect(search.labels?.[0]?.textContent).to.equal('Search services');
    search.focus();
    await sendKeys({ type: 'IN' });
    await el.updateComplete;
    expect(shownIds(el)).to.deep.equal(['LINKEDIN', 'INSTAGRAM']);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('2 of 7 services shown');
    await sendKeys({ type: 'zzz' });
    await el.updateComplete;
    expect(shownIds(el)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('No service matches “INzzz”.');
    expect(filterProviders(many.providers, 'courriel').map((p) => p.id)).to.deep.equal(['IMAP']);
    expect(filterProviders(many.providers, 'COURRIÉL imap').map((p) => p.id)).to.deep.equal(['IMAP']);
  });

  it('is one tab stop; arrow keys, Home and End move between providers and Enter chooses', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${many}></keyway-providers>`);
    expect(buttons(el).filter((button) => button.tabIndex === 0)).to.have.length(1);
    buttons(el)[0]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement).to.equal(buttons(el)[1]);
    await sendKeys({ press: 'End' });
    expect(el.shadowRoot!.activeElement).to.equal(buttons(el)[6]);
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement, 'wraps to the first').to.equal(buttons(el)[0]);
    await sendKeys({ press: 'ArrowUp' });
    expect(el.shadowRoot!.activeElement).to.equal(buttons(el)[6]);
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: 'ArrowRight' });
    expect(buttons(el).filter((button) => button.tabIndex === 0)).to.deep.equal([buttons(el)[1]]);
    const submitted = oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    await sendKeys({ press: 'Enter' });
    expect((await submitted).input).to.deep.equal({ kind: 'providers', stepId: 'step-many', provider: 'MICROSOFT' });
  });

  it('moves from the search box to the first match with ArrowDown, and Enter chooses a single match', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${many}></keyway-providers>`);
    const search = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="search"]')!;
    search.focus();
    await sendKeys({ type: 'tele' });
    await el.updateComplete;
    const submitted = oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    await sendKeys({ press: 'Enter' });
    expect((await submitted).input).to.deep.equal({ kind: 'providers', stepId: 'step-many', provider: 'TELEGRAM' });
    search.focus();
    search.select();
    await sendKeys({ type: 'o' });
    await el.updateComplete;
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement).to.equal(buttons(el)[0]);
  });

  it('mirrors left and right arrows in a right-to-left layout', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers dir="rtl" .step=${many}></keyway-providers>`);
    buttons(el)[0]!.focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(el.shadowRoot!.activeElement).to.equal(buttons(el)[1]);
  });

  it('passes axe with the search box', async () => {
    const el = await fixture<KeywayProviders>(html`<keyway-providers .step=${many}></keyway-providers>`);
    await expect(el).to.be.accessible();
  });
});
