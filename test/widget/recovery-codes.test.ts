import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html } from 'lit';
import '../../src/widget/recovery-codes/recovery-codes.js';
import type { StepOf } from '../../src/protocol/index.js';
import type { KeywayRecoveryCodes, KeywaySubmitEvent } from '../../src/widget/index.js';

const codes = Array.from({ length: 10 }, (_, index) => `7kq2-m9xd-4hwp-3t${String(index).padStart(2, '0')}`);
const step: StepOf<'recovery-codes'> = { kind: 'recovery-codes', id: 'step-codes', appName: 'Acme CRM', codes };

const render = () => fixture<KeywayRecoveryCodes>(html`<keyway-recovery-codes .step=${step}></keyway-recovery-codes>`);
const part = <T extends Element>(el: KeywayRecoveryCodes, name: string) => el.shadowRoot!.querySelector<T>(`[part="${name}"]`)!;

describe('<keyway-recovery-codes>', () => {
  it('lists every code once, in a labelled list, and passes axe', async () => {
    const el = await render();
    const items = [...part(el, 'code-list').querySelectorAll('li')].map((item) => item.textContent);
    expect(items).to.deep.equal(codes);
    expect(part(el, 'code-list').getAttribute('aria-label')).to.equal('Recovery codes');
    await expect(el).to.be.accessible();
  });

  it('offers the codes as a text file to download', async () => {
    const el = await render();
    const link = part<HTMLAnchorElement>(el, 'download-link');
    expect(link.getAttribute('download')).to.equal('recovery-codes.txt');
    expect(link.href).to.match(/^blob:/);
    const text = await (await fetch(link.href)).text();
    expect(text).to.equal(`Recovery codes for Acme CRM\n\n${codes.join('\n')}\n`);
  });

  it('continues only once "I have saved these codes" is checked, with an acknowledge input', async () => {
    const el = await render();
    const button = part<HTMLButtonElement>(el, 'continue-button');
    expect(button.disabled).to.equal(true);
    const check = part(el, 'saved-check').querySelector('input')!;
    check.click();
    await el.updateComplete;
    expect(button.disabled).to.equal(false);
    const submitted = oneEvent<KeywaySubmitEvent>(el, 'keyway-submit');
    button.click();
    expect((await submitted).input).to.deep.equal({ kind: 'acknowledge', stepId: 'step-codes' });
    await expect(el).to.be.accessible();
  });
});
