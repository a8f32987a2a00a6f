import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/embed/index.js';
import type { KeywayConnect } from '../../src/embed/connect.js';

const page = (name: string) => new URL(`/test/widget/pages/${name}`, location.href).href;

describe('<keyway-connect ready-timeout-ms>', () => {
  it('fires keyway-failure with frame_refused once the framed wizard has stayed silent that long, and removes the frame', async () => {
    const button = await fixture<KeywayConnect>(html`<keyway-connect url=${page('silent-wizard.html')} mode="inline" ready-timeout-ms="200"></keyway-connect>`);
    const started = performance.now();
    const failed = oneEvent(button, 'keyway-failure');
    button.shadowRoot?.querySelector('button')?.click();
    expect(button.shadowRoot?.querySelector('iframe')).to.exist;
    const event = (await failed) as CustomEvent;
    expect(event.detail).to.deep.equal({ status: 'failure', reason: 'frame_refused', message: 'The wizard could not be shown in this page.' });
    // The SDK's own default is 10 s: failing this early proves the attribute reached open().
    expect(performance.now() - started).to.be.at.least(190).and.below(3000);
    expect(button.shadowRoot?.querySelector('iframe')).to.equal(null);
  });

  it('reflects readyTimeoutMs, and leaves the SDK default when unset or not a whole number of milliseconds', async () => {
    const button = await fixture<KeywayConnect>(html`<keyway-connect url=${page('silent-wizard.html')}></keyway-connect>`);
    expect(button.readyTimeoutMs).to.equal(undefined);
    button.readyTimeoutMs = 0;
    expect(button.getAttribute('ready-timeout-ms')).to.equal('0');
    expect(button.readyTimeoutMs).to.equal(0);
    for (const invalid of ['', 'soon', '-5', '1.5']) {
      button.setAttribute('ready-timeout-ms', invalid);
      expect(button.readyTimeoutMs, invalid).to.equal(undefined);
    }
    button.readyTimeoutMs = undefined;
    expect(button.hasAttribute('ready-timeout-ms')).to.equal(false);
  });
});
