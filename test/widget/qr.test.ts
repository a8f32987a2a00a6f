import { aTimeout, expect, fixture, waitUntil } from '@open-wc/testing';
import { html } from 'lit';
import jsQR from 'jsqr';
import type { StepOf } from '../../src/protocol/index.js';
// Only the wizard and the loader: this file checks that <keyway-qr> arrives on demand.
import { loadQrElement } from '../../src/widget/index.js';
import type { KeywayQr } from '../../src/widget/index.js';
import { json, liveFlowApi, RecordingWizard, type LiveFlowApi } from './fake-server.js';
import { flowWith, providersStep, qrStep } from './fixtures.js';

const LINK = 'link_0123456789abcdef';

/** A QR step expiring `seconds` from now. */
function qrStepFor(seconds: number, overrides: Partial<StepOf<'qr'>> = {}): StepOf<'qr'> {
  return { ...qrStep, expiresAt: new Date(Date.now() + seconds * 1000).toISOString(), ...overrides };
}

function qrImage(el: Element): SVGSVGElement {
  return el.shadowRoot!.querySelector<SVGSVGElement>('svg[role="img"]')!;
}

/**
 * Reads the drawn code back with a real decoder: the SVG is serialised (with no
 * page CSS, as a phone's camera would not see it either), drawn on a canvas and
 * handed to jsQR.
 */
async function decode(svg: SVGSVGElement): Promise<string | undefined> {
  const side = 360;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('width', String(side));
  copy.setAttribute('height', String(side));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0, side, side);
    const { data, width, height } = context.getImageData(0, 0, side, side);
    return jsQR.default(data, width, height)?.data;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function fetchedQrModule(): boolean {
  return performance
    .getEntriesByType('resource')
    .some(({ name }) => name.includes('/widget/qr/qr.ts') || name.includes('qrcode'));
}

async function renderQr(step: StepOf<'qr'>): Promise<KeywayQr> {
  await loadQrElement();
  return fixture<KeywayQr>(html`<keyway-qr .step=${step} provider-name="WhatsApp"></keyway-qr>`);
}

describe('<keyway-qr> in the wizard', () => {
  let live: LiveFlowApi | undefined;
  beforeEach(() => sessionStorage.clear());
  afterEach(() => live?.restore());

  // Runs first in this file: nothing before it may load the QR module.
  it('is fetched only when a QR step appears, not with the wizard', async () => {
    live = liveFlowApi(flowWith(providersStep), { submit: () => json(200, flowWith(qrStepFor(60))) });
    const el = await fixture<RecordingWizard>(`<recording-wizard link="${LINK}"></recording-wizard>`);
    await waitUntil(() => el.shadowRoot!.querySelector('keyway-providers'), 'the providers step was not shown');
    expect(customElements.get('keyway-qr'), 'defined before any QR step').to.equal(undefined);
    expect(fetchedQrModule(), 'the QR module or qrcode was fetched up front').to.equal(false);

    const providers = el.shadowRoot!.querySelector('keyway-providers')!;
    providers.shadowRoot!.querySelector<HTMLButtonElement>('[data-provider="GOOGLE"]')!.click();
    // The first request for the chunk also bundles qrcode for the test server: allow for a busy machine.
    await waitUntil(() => customElements.get('keyway-qr'), '<keyway-qr> was never defined', { timeout: 4000 });
    expect(fetchedQrModule()).to.equal(true);
    const qr = el.shadowRoot!.querySelector('keyway-qr')!;
    await waitUntil(() => qr.shadowRoot?.querySelector('svg'), 'the code was not drawn');
    await waitUntil(() => qr.shadowRoot!.activeElement?.hasAttribute('data-step-heading'), 'focus did not move to the QR heading');
  });

  it('draws a rotated code in place of the old one: same element, same drawing, new payload', async () => {
    live = liveFlowApi(flowWith(qrStepFor(60)));
    const el = await fixture<RecordingWizard>(`<recording-wizard link="${LINK}"></recording-wizard>`);
    await waitUntil(() => el.shadowRoot!.querySelector('keyway-qr')?.shadowRoot?.querySelector('svg'), 'the code was not drawn');
    const qr = el.shadowRoot!.querySelector('keyway-qr')!;
    const svg = qrImage(qr);
    const path = svg.querySelector('path')!;
    expect(await decode(svg)).to.equal(qrStep.payload);

    const rotatedPayload = 'keyway-pair:2:b81e-second-payload';
    const stream = await live.stream();
    stream.sendFlow(flowWith(qrStepFor(60, { id: 'step-qr-2', payload: rotatedPayload })));
    await waitUntil(() => (qr as KeywayQr).step?.id === 'step-qr-2', 'the rotated step did not reach the element');
    await (qr as KeywayQr).updateComplete;
    expect(el.shadowRoot!.querySelector('keyway-qr'), 'the element was replaced').to.equal(qr);
    expect(qrImage(qr), 'the drawing was replaced').to.equal(svg);
    expect(svg.querySelector('path'), 'the path was replaced').to.equal(path);
    expect(await decode(svg)).to.equal(rotatedPayload);
  });
});

describe('<keyway-qr>', () => {
  it('draws a code that a real decoder reads as the step payload', async () => {
    const payload = 'https://pair.example.com/p/7Q2xV9-long-enough-to-need-a-bigger-version?with=query&and=more#fragment';
    const el = await renderQr(qrStepFor(60, { payload }));
    expect(await decode(qrImage(el))).to.equal(payload);
  });

  it('is an image labelled for the provider', async () => {
    const el = await renderQr(qrStepFor(60));
    const image = qrImage(el);
    expect(image.getAttribute('aria-label')).to.equal('QR code to scan with WhatsApp');
    expect(image.getAttribute('viewBox')).to.match(/^0 0 \d+ \d+$/);
  });

  it('offers the step help next to its heading', async () => {
    const el = await renderQr(qrStepFor(60, { help: 'Open the camera app.' }));
    const help = el.shadowRoot!.querySelector('.heading-row keyway-help')!;
    expect(help).to.have.property('text', 'Open the camera app.');
    expect((await renderQr(qrStepFor(60))).shadowRoot!.querySelector('keyway-help')).to.equal(null);
  });

  it('counts down to the expiry, each second', async () => {
    const el = await renderQr(qrStepFor(90));
    const countdown = () => el.shadowRoot!.querySelector('[part="countdown"]')!.textContent!.trim();
    expect(countdown()).to.equal('This code expires in 1:30.');
    await waitUntil(() => countdown() === 'This code expires in 1:29.', 'the countdown did not tick', { timeout: 2500 });
  });

  it('says when the code has expired and dims it until the next one arrives', async () => {
    const el = await renderQr(qrStepFor(-1));
    expect(el.shadowRoot!.querySelector('[part="countdown"]')!.textContent).to.contain('This code has expired.');
    expect(el.shadowRoot!.querySelector('.frame')!.classList.contains('frame--expired')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('shows the pairing code in groups as an alternative to scanning', async () => {
    const el = await renderQr(qrStepFor(60));
    expect(el.shadowRoot!.querySelector('[part="pairing-code"]')!.textContent).to.equal('ABCD 1234');
    expect(el.shadowRoot!.querySelector('[part="pairing"]')!.textContent).to.contain('Cannot scan? Type this code on your phone instead:');
    const sixDigits = await renderQr(qrStepFor(60, { code: '123456' }));
    expect(sixDigits.shadowRoot!.querySelector('[part="pairing-code"]')!.textContent).to.equal('123 456');
  });

  it('shows no pairing section when the step has no code', async () => {
    const el = await renderQr(qrStepFor(60, { code: undefined }));
    expect(el.shadowRoot!.querySelector('[part="pairing"]')).to.equal(null);
  });

  describe('copy button', () => {
    const original = Clipboard.prototype.writeText;
    afterEach(() => (Clipboard.prototype.writeText = original));

    it('copies the raw pairing code with the Clipboard API and says so', async () => {
      const written: string[] = [];
      Clipboard.prototype.writeText = async (text: string) => void written.push(text);
      const el = await renderQr(qrStepFor(60));
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part="copy-button"]')!.click();
      const status = el.shadowRoot!.querySelector('[part="copy-status"]')!;
      await waitUntil(() => status.textContent === 'Code copied.', 'no "copied" status');
      expect(written).to.deep.equal(['ABCD1234']);
      expect(status.getAttribute('role')).to.equal('status');
    });

    it('selects the code for a manual copy when the clipboard refuses', async () => {
      Clipboard.prototype.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
      const el = await renderQr(qrStepFor(60));
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part="copy-button"]')!.click();
      await waitUntil(() => el.shadowRoot!.querySelector('[part="copy-status"]')!.textContent!.includes('could not be copied'), 'no failure status');
      expect(getSelection()!.toString().replace(/\s/g, '')).to.equal('ABCD1234');
    });
  });

  it('passes an axe audit', async () => {
    const el = await renderQr(qrStepFor(60));
    await expect(el).to.be.accessible();
  });

  it('stops its countdown timer when removed', async () => {
    const el = await renderQr(qrStepFor(60));
    let renders = 0;
    const update = el.requestUpdate.bind(el);
    el.requestUpdate = (...args: Parameters<typeof update>) => {
      renders += 1;
      update(...args);
    };
    el.remove();
    await aTimeout(1200);
    expect(renders).to.equal(0);
  });
});
