import { expect } from '@open-wc/testing';
import { FailureCode } from '../../src/protocol/step.js';
import { OpenFailureReason } from '../../src/protocol/host-message.js';
import { open, type Result } from '../../src/embed/index.js';

const page = (name: string) => new URL(`/test/widget/pages/${name}`, location.href).href;
const later = (ms: number) => new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms));

describe('embed: open() never hangs on a frame that stays silent', () => {
  let container: HTMLElement;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => container.remove());

  it('resolves failure with reason frame_refused after readyTimeoutMs, and removes the iframe', async () => {
    const started = performance.now();
    const opening = open(page('silent-wizard.html'), { mode: 'inline', container, readyTimeoutMs: 200 });
    expect(container.querySelector('iframe')).to.exist;
    const result = await Promise.race([opening, later(3000)]);
    const elapsed = performance.now() - started;
    expect(result).to.deep.equal({ status: 'failure', reason: 'frame_refused', message: 'The wizard could not be shown in this page.' });
    expect(elapsed).to.be.at.least(190).and.below(3000);
    expect(container.querySelector('iframe')).to.equal(null);
  });

  it('the modal resolves frame_refused too, and its dialog is gone', async () => {
    let failed: Result | undefined;
    const result = await open(page('silent-wizard.html'), { mode: 'modal', readyTimeoutMs: 150, onFailure: (failure) => (failed = failure) });
    expect(result).to.include({ status: 'failure', reason: 'frame_refused' });
    expect(failed).to.deep.equal(result);
    expect(document.querySelector('keyway-modal')).to.equal(null);
  });

  it('keeps waiting once the framed wizard said ready', async () => {
    const opening = open(page('ready-wizard.html'), { mode: 'inline', container, readyTimeoutMs: 300 });
    expect(await Promise.race([opening, later(900)])).to.equal('pending');
    expect(container.querySelector('iframe')).to.exist;
  });

  it('with readyTimeoutMs 0 waits for as long as it takes', async () => {
    const opening = open(page('silent-wizard.html'), { mode: 'inline', container, readyTimeoutMs: 0 });
    expect(await Promise.race([opening, later(600)])).to.equal('pending');
  });

  it('frame_refused is a failure reason of the protocol besides every reason the wizard posts', () => {
    expect(OpenFailureReason.safeParse('frame_refused').success).to.equal(true);
    for (const reason of FailureCode.options) expect(OpenFailureReason.safeParse(reason).success, reason).to.equal(true);
    expect(OpenFailureReason.safeParse('nonsense').success).to.equal(false);
  });
});
