import { expect, fixture, html } from '@open-wc/testing';
import { HostMessage as HostMessageSchema } from '../../src/protocol/host-message.js';
import { KeywayConnect, open, type HostMessage } from '../../src/embed/index.js';
import { parseHostMessage } from '../../src/embed/messages.js';

// Every message the protocol accepts is one the SDK's hand-written type describes.
const protocolFitsSdk = (message: HostMessageSchema): HostMessage => message;
void protocolFitsSdk;

const envelope = { keyway: 1, flowId: 'flow-1' };
const valid: unknown[] = [
  { ...envelope, type: 'ready', data: {} },
  { ...envelope, type: 'step', data: { kind: 'credentials' } },
  { ...envelope, type: 'resize', data: { height: 412 } },
  { ...envelope, type: 'success', data: { accountId: 'acc-1', provider: 'DEMO' } },
  { ...envelope, type: 'failure', data: { reason: 'mfa_locked', message: 'Too many wrong codes' } },
  { ...envelope, type: 'exit', data: {} },
  // A link error is reported without a flow.
  { ...envelope, flowId: '', type: 'failure', data: { reason: 'link_expired', message: 'This link has expired' } },
];
const invalid: unknown[] = [
  null,
  'success',
  [],
  { ...envelope, keyway: 2, type: 'ready', data: {} },
  { ...envelope, keyway: '1', type: 'ready', data: {} },
  { keyway: 1, type: 'ready', data: {} },
  { ...envelope, flowId: 7, type: 'ready', data: {} },
  { ...envelope, type: 'toString', data: {} },
  { ...envelope, type: ['success'], data: { accountId: 'acc-1', provider: 'DEMO' } },
  { ...envelope, type: 'redirect', data: {} },
  { ...envelope, type: 'ready' },
  { ...envelope, type: 'ready', data: null },
  { ...envelope, type: 'ready', data: [] },
  { ...envelope, type: 'step', data: {} },
  { ...envelope, type: 'resize', data: { height: '412' } },
  { ...envelope, type: 'resize', data: { height: Number.NaN } },
  { ...envelope, type: 'resize', data: { height: Number.POSITIVE_INFINITY } },
  { ...envelope, type: 'success', data: { accountId: 'acc-1' } },
  { ...envelope, type: 'success', data: { accountId: 1, provider: 'DEMO' } },
  { ...envelope, type: 'failure', data: { reason: 3, message: 'x' } },
  { ...envelope, type: 'failure', data: { reason: 'mfa_locked' } },
];

describe('embed: parseHostMessage', () => {
  it('accepts every message shape the wizard posts, as the protocol schema does', () => {
    for (const message of valid) {
      expect(parseHostMessage(message), JSON.stringify(message)).to.equal(message);
      expect(HostMessageSchema.safeParse(message).success, JSON.stringify(message)).to.equal(true);
    }
  });

  it('refuses other versions, unknown types and missing or mistyped fields, as the protocol schema does', () => {
    for (const message of invalid) {
      expect(parseHostMessage(message), JSON.stringify(message)).to.equal(undefined);
      expect(HostMessageSchema.safeParse(message).success, JSON.stringify(message)).to.equal(false);
    }
  });

  it('accepts a failure reason it does not know yet, so a later reason still ends the flow', () => {
    const later = { ...envelope, type: 'failure', data: { reason: 'account_suspended', message: 'Suspended' } };
    expect(parseHostMessage(later)).to.equal(later);
  });
});

describe('embed: open()', () => {
  it('refuses a link that is not an http(s) URL before doing anything', () => {
    expect(() => open('javascript:alert(1)', { mode: 'redirect' })).to.throw(TypeError);
    expect(() => open('/connect/relative')).to.throw(TypeError);
    expect(document.querySelector('keyway-modal')).to.equal(null);
  });

  it('needs a container in inline mode', () => {
    expect(() => open('https://keyway.example/connect/abc', { mode: 'inline' })).to.throw(TypeError);
  });

  it('frames the wizard with the minimal sandbox and permissions, no referrer and a title', async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    void open('http://127.0.0.1:9/connect/token', { mode: 'inline', container, title: 'Link your inbox' });
    const frame = container.querySelector('iframe');
    expect(frame?.getAttribute('sandbox')).to.equal('allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox');
    expect(frame?.getAttribute('allow')).to.equal('clipboard-write');
    expect(frame?.getAttribute('referrerpolicy')).to.equal('no-referrer');
    expect(frame?.title).to.equal('Link your inbox');
    // Sized through the CSSOM: a host CSP without 'unsafe-inline' allows it, unlike a style attribute.
    expect(frame?.style.height).to.equal('480px');
    frame?.remove();
  });
});

/**
 * Posts `message` to this page from inside `frame` (same origin here), so that the event's source is the
 * frame's window: the function runs in the frame's realm.
 */
function postFromFrame(frame: HTMLIFrameElement, message: unknown): void {
  const FrameFunction = (frame.contentWindow as unknown as { Function: FunctionConstructor }).Function;
  new FrameFunction('message', 'window.parent.postMessage(message, "*")')(message);
}

const nextMessage = () => new Promise<void>((resolve) => window.addEventListener('message', () => setTimeout(resolve), { once: true }));

describe('embed: open() and the wizard’s messages', () => {
  it('acts only on well-formed messages of its version, then settles once and removes the frame', async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const events: HostMessage[] = [];
    let settled: unknown;
    // A page of this test server's origin stands in for the wizard: origin and window both match.
    const result = open(`${location.origin}/__embed-wizard-stand-in__`, { mode: 'inline', container, onEvent: (message) => events.push(message) });
    void result.then((value) => (settled = value));
    const frame = container.querySelector('iframe') as HTMLIFrameElement;
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));

    for (const message of [
      { keyway: 1, type: 'success', flowId: 'f', data: { accountId: 'acc-1' } },
      { keyway: 2, type: 'success', flowId: 'f', data: { accountId: 'acc-1', provider: 'DEMO' } },
      { keyway: 1, type: 'resize', flowId: 'f', data: { height: 'tall' } },
    ]) {
      postFromFrame(frame, message);
      await nextMessage();
    }
    expect(events).to.deep.equal([]);
    expect(settled).to.equal(undefined);
    expect(frame.style.height).to.equal('480px');

    postFromFrame(frame, { keyway: 1, type: 'resize', flowId: 'f', data: { height: 333.2 } });
    await nextMessage();
    expect(frame.style.height).to.equal('334px');

    postFromFrame(frame, { keyway: 1, type: 'success', flowId: 'f', data: { accountId: 'acc-1', provider: 'DEMO' } });
    expect(await result).to.deep.equal({ status: 'success', accountId: 'acc-1', provider: 'DEMO' });
    expect(events.map((event) => event.type)).to.deep.equal(['resize', 'success']);
    expect(frame.isConnected).to.equal(false);
  });
});

describe('embed: <keyway-connect>', () => {
  it('is a button labelled by its content, with a default label, exposed as ::part(button)', async () => {
    const element = await fixture<KeywayConnect>(html`<keyway-connect url="https://keyway.example/connect/abc">Link my inbox</keyway-connect>`);
    expect(element).to.be.instanceOf(KeywayConnect);
    const button = element.shadowRoot?.querySelector('button[part="button"]');
    expect(button?.getAttribute('type')).to.equal('button');
    expect(button?.querySelector('slot')?.textContent).to.equal('Connect an account');
    expect(element.mode).to.equal('modal');
    await expect(element).to.be.accessible();
  });

  it('in inline mode, draws the wizard below its button and ignores clicks while the flow is open', async () => {
    const element = await fixture<KeywayConnect>(html`<keyway-connect mode="inline" url="http://127.0.0.1:9/connect/token"></keyway-connect>`);
    const button = element.shadowRoot?.querySelector('button') as HTMLButtonElement;
    button.click();
    button.click();
    const frames = element.shadowRoot?.querySelectorAll('iframe') ?? [];
    expect(frames.length).to.equal(1);
    expect(frames[0]?.previousElementSibling).to.equal(button);
  });

  it('reflects url, mode and fallback to attributes', async () => {
    const element = await fixture<KeywayConnect>(html`<keyway-connect></keyway-connect>`);
    element.url = 'https://keyway.example/connect/abc';
    element.mode = 'popup';
    element.fallback = 'none';
    expect(element.getAttribute('url')).to.equal('https://keyway.example/connect/abc');
    expect(element.getAttribute('mode')).to.equal('popup');
    expect(element.getAttribute('fallback')).to.equal('none');
  });
});
