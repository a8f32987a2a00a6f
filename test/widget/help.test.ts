import { aTimeout, expect, fixture, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayHelp } from '../../src/widget/index.js';

const toggle = (el: KeywayHelp) => el.shadowRoot!.querySelector<HTMLButtonElement>('button')!;
const panel = (el: KeywayHelp) => el.shadowRoot!.querySelector<HTMLElement>('[popover]')!;

describe('<keyway-help>', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('names its button after the topic and shows the text when pressed', async () => {
    const el = await fixture<KeywayHelp>(html`<keyway-help topic="Username" text="The name you sign in with."></keyway-help>`);
    expect(toggle(el).getAttribute('aria-label')).to.equal('More about Username');
    expect(toggle(el).getAttribute('aria-expanded')).to.equal('false');
    toggle(el).click();
    await waitUntil(() => el.open, 'the popover did not open');
    expect(panel(el).matches(':popover-open')).to.equal(true);
    expect(panel(el).textContent).to.equal('The name you sign in with.');
    await el.updateComplete;
    expect(toggle(el).getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('closes with Escape and leaves focus on its button', async () => {
    const el = await fixture<KeywayHelp>(html`<keyway-help topic="Code" text="Six digits."></keyway-help>`);
    toggle(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.open, 'the popover did not open');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !el.open, 'Escape did not close it');
    expect(el.shadowRoot!.activeElement).to.equal(toggle(el));
  });

  it('flips and shifts to stay inside a small viewport', async () => {
    await setViewport({ width: 320, height: 240 });
    const corner = await fixture<HTMLDivElement>(html`
      <div><keyway-help topic="Password" text=${'A long explanation that needs several lines to fit. '.repeat(3)}></keyway-help></div>
    `);
    const el = corner.querySelector('keyway-help')!;
    corner.style.setProperty('position', 'fixed');
    corner.style.setProperty('right', '4px');
    corner.style.setProperty('bottom', '4px');
    toggle(el).click();
    await waitUntil(() => el.open, 'the popover did not open');
    await aTimeout(50);
    const box = panel(el).getBoundingClientRect();
    const button = toggle(el).getBoundingClientRect();
    expect(box.bottom, 'flipped above the button').to.be.at.most(button.top);
    expect(box.left).to.be.at.least(0);
    expect(box.right).to.be.at.most(320);
    expect(box.top).to.be.at.least(0);
  });
});
