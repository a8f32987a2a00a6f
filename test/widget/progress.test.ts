import { expect, fixture, waitUntil } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/index.js';
import type { KeywayProgress } from '../../src/widget/index.js';
import { fakeFlowApi, json, RecordingWizard } from './fake-server.js';
import { flowWith, providersStep, successStep } from './fixtures.js';

describe('<keyway-progress>', () => {
  it('says and shows which step of how many', async () => {
    const el = await fixture<KeywayProgress>(html`<keyway-progress step="2" of="3"></keyway-progress>`);
    const bar = el.shadowRoot!.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-label')).to.equal('Step 2 of 3');
    expect(bar.getAttribute('aria-valuenow')).to.equal('2');
    expect(bar.getAttribute('aria-valuemax')).to.equal('3');
    expect(el.shadowRoot!.querySelectorAll('.segment')).to.have.length(3);
    expect(el.shadowRoot!.querySelectorAll('.segment.done')).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it('keeps the step within 1..of when given nonsense', async () => {
    const el = await fixture<KeywayProgress>(html`<keyway-progress step="9" of="3"></keyway-progress>`);
    expect(el.shadowRoot!.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('3');
  });
});

describe('<keyway-wizard> progress', () => {
  let api: ReturnType<typeof fakeFlowApi> | undefined;
  afterEach(() => api?.restore());

  it('shows the flow’s progress above the step, and none once the flow has ended', async () => {
    let step = 0;
    const flows = [flowWith(providersStep, { progress: { step: 1, of: 3 } }), flowWith(successStep, { status: 'succeeded' })];
    api = fakeFlowApi((request) =>
      request.path === '/api/v1/flows' ? json(201, { token: 'flow-token-1', flow: flows[0] }) : json(200, flows[Math.min(++step, 1)]),
    );
    const el = await fixture<RecordingWizard>(html`<recording-wizard link="link_0123456789abcdef"></recording-wizard>`);
    await waitUntil(() => el.shadowRoot!.querySelector('keyway-progress'), 'no progress shown');
    const progress = el.shadowRoot!.querySelector('keyway-progress')!;
    expect([progress.step, progress.of]).to.deep.equal([1, 3]);
    el.shadowRoot!.querySelector('keyway-providers')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-provider="DEMO"]')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('keyway-success'), 'no success step');
    expect(el.shadowRoot!.querySelector('keyway-progress')).to.equal(null);
  });
});
