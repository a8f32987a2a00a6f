import { aTimeout, expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Flow } from '../../src/protocol/index.js';
import { SseParser, watchFlow, type SseMessage } from '../../src/widget/wizard/flow-events.js';
import { apiError, eventStream, fakeFlowApi, json, liveFlowApi, RecordingWizard, type FakeEventStream, type LiveFlowApi } from './fake-server.js';
import { flowWith, oauthStep, providersStep, qrStep, successStep } from './fixtures.js';

const LINK = 'link_0123456789abcdef';
const TOKEN = 'flow-token-1';
const EVENTS = '/api/v1/flows/current/events';
const CURRENT = '/api/v1/flows/current';

const succeeded = flowWith(successStep);
const oauthFlow = flowWith(oauthStep);

/** Parses a stream delivered in the given pieces. */
function parse(...chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SseParser', () => {
  it('parses an event with its type, id and data', () => {
    expect(parse('event: flow\nid: s1\ndata: {"a":1}\n\n')).to.deep.equal([{ event: 'flow', id: 's1', data: '{"a":1}' }]);
  });

  it('joins multi-line data with newlines and defaults the type to "message"', () => {
    expect(parse('data: one\ndata:two\n\n')).to.deep.equal([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('ignores comments such as the keep-alive, and events without data', () => {
    expect(parse(': keep-alive\n\nevent: flow\n\n')).to.deep.equal([]);
  });

  it('accepts CRLF, CR and LF line endings and a leading byte-order mark', () => {
    expect(parse('\uFEFFevent: flow\r\ndata: a\r\rdata: b\n\n')).to.deep.equal([
      { event: 'flow', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('gives the same events however the stream is split into chunks, CRLF pairs included', () => {
    const stream = ': keep-alive\r\n\r\nevent: flow\r\nid: s1\r\ndata: {"step":"qr"}\r\n\r\nevent: flow\r\ndata: {"step":"success"}\r\n\r\n';
    const whole = parse(stream);
    expect(whole).to.have.length(2);
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(parse(stream.slice(0, cut), stream.slice(cut)), `cut at ${cut}`).to.deep.equal(whole);
    }
    expect(parse(...stream.split('')), 'one character at a time').to.deep.equal(whole);
  });

  it('waits for the blank line before dispatching', () => {
    const parser = new SseParser();
    expect(parser.push('event: flow\ndata: {}\n')).to.deep.equal([]);
    expect(parser.push('\n')).to.deep.equal([{ event: 'flow', data: '{}' }]);
  });
});

describe('watchFlow()', () => {
  let api: { restore(): void } | undefined;
  afterEach(() => api?.restore());

  it('reads the events stream with the Bearer token and reports each flow, even one split mid-character', async () => {
    const accepts: Array<string | null> = [];
    const stream = eventStream();
    const fake = fakeFlowApi((request, init) => {
      accepts.push(new Headers(init.headers).get('Accept'));
      return request.path === EVENTS ? stream.response : apiError(404, 'not_found');
    });
    api = fake;
    const flows: Flow[] = [];
    const controller = new AbortController();
    const watching = watchFlow({ apiBase: '', flowToken: TOKEN, signal: controller.signal, onFlow: (flow) => flows.push(flow) });
    const accented = flowWith(qrStep, { brand: { name: 'Café ✓' } });
    const bytes = new TextEncoder().encode(`event: flow\ndata: ${JSON.stringify(accented)}\n\n`);
    const middleOfCheckMark = bytes.indexOf(0xe2) + 1;
    stream.write(bytes.slice(0, middleOfCheckMark));
    stream.write(bytes.slice(middleOfCheckMark));
    stream.sendFlow(succeeded);
    await watching;
    expect(fake.requests).to.have.length(1);
    expect(fake.requests[0]).to.deep.include({ method: 'GET', path: EVENTS, authorization: `Bearer ${TOKEN}` });
    expect(accepts).to.deep.equal(['text/event-stream']);
    expect(flows.map((flow) => flow.brand.name)).to.deep.equal(['Café ✓', 'Acme']);
    expect(flows[1]!.step.kind).to.equal('success');
    expect(stream.cancelled, 'the stream is closed once the flow ended').to.equal(true);
  });

  it('ignores events that are not flows', async () => {
    const stream = eventStream();
    api = fakeFlowApi(() => stream.response);
    const flows: Flow[] = [];
    const watching = watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, onFlow: (flow) => flows.push(flow) });
    stream.write('event: other\ndata: {}\n\nevent: flow\ndata: not json\n\nevent: flow\ndata: {"id":1}\n\n');
    stream.sendFlow(succeeded);
    await watching;
    expect(flows).to.deep.equal([succeeded]);
  });

  it('polls GET /flows/current with the Bearer token when the stream breaks', async () => {
    const stream = eventStream();
    const fake = fakeFlowApi((request) => (request.path === EVENTS ? stream.response : json(200, succeeded)));
    api = fake;
    const flows: Flow[] = [];
    const watching = watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, pollIntervalMs: 20, onFlow: (flow) => flows.push(flow) });
    stream.sendFlow(oauthFlow);
    await waitUntil(() => flows.length === 1, 'the first event was not reported');
    stream.fail();
    await watching;
    expect(fake.requests.map((request) => `${request.method} ${request.path} ${request.authorization}`)).to.deep.equal([
      `GET ${EVENTS} Bearer ${TOKEN}`,
      `GET ${CURRENT} Bearer ${TOKEN}`,
    ]);
    expect(flows).to.deep.equal([oauthFlow, succeeded]);
  });

  it('polls when the server has no events stream (an error status or a JSON answer)', async () => {
    for (const refusal of [() => apiError(404, 'not_found'), () => apiError(503, 'unavailable'), () => json(200, oauthFlow)]) {
      const fake = fakeFlowApi((request) => (request.path === EVENTS ? refusal() : json(200, succeeded)));
      api = fake;
      const flows: Flow[] = [];
      await watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, pollIntervalMs: 10, onFlow: (flow) => flows.push(flow) });
      expect(flows).to.deep.equal([succeeded]);
      fake.restore();
    }
  });

  it('backs off while polls fail and resets once one succeeds', async () => {
    const times: number[] = [];
    let polls = 0;
    const answers = [() => apiError(500, 'oops'), () => Promise.reject(new TypeError('offline')), () => json(200, oauthFlow), () => json(200, succeeded)];
    api = fakeFlowApi((request) => {
      if (request.path === EVENTS) return apiError(404, 'not_found');
      times.push(performance.now());
      return answers[polls++]!() as Response | Promise<Response>;
    });
    await watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, pollIntervalMs: 40, onFlow: () => {} });
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(gaps[0], 'after one failure the wait doubles').to.be.at.least(75);
    expect(gaps[1], 'after two failures it doubles again').to.be.at.least(155);
    expect(gaps[2], 'after a success it is back to the interval').to.be.below(155);
  });

  it('stops without polling when the token is refused', async () => {
    const fake = fakeFlowApi(() => apiError(401, 'unauthorized'));
    api = fake;
    await watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, pollIntervalMs: 10, onFlow: () => {} });
    await aTimeout(40);
    expect(fake.requests.map((request) => request.path)).to.deep.equal([EVENTS]);
  });

  it('reconnects when the server ends a healthy stream', async () => {
    const streams = [eventStream(), eventStream()];
    let opened = 0;
    const fake = fakeFlowApi(() => streams[opened++]!.response);
    api = fake;
    const flows: Flow[] = [];
    const watching = watchFlow({ apiBase: '', flowToken: TOKEN, signal: new AbortController().signal, pollIntervalMs: 10, onFlow: (flow) => flows.push(flow) });
    streams[0]!.sendFlow(oauthFlow);
    streams[0]!.close();
    await waitUntil(() => opened === 2, 'the stream was not reopened');
    streams[1]!.sendFlow(succeeded);
    await watching;
    expect(fake.requests.map((request) => request.path)).to.deep.equal([EVENTS, EVENTS]);
    expect(flows).to.deep.equal([oauthFlow, succeeded]);
  });

  it('stops at once when aborted and reports nothing after', async () => {
    let stream: FakeEventStream | undefined;
    const fake = fakeFlowApi((_request, init) => (stream = eventStream(init.signal)).response);
    api = fake;
    const flows: Flow[] = [];
    const controller = new AbortController();
    const watching = watchFlow({ apiBase: '', flowToken: TOKEN, signal: controller.signal, pollIntervalMs: 10, onFlow: (flow) => flows.push(flow) });
    await waitUntil(() => stream, 'the stream was not opened');
    stream!.sendFlow(oauthFlow);
    await waitUntil(() => flows.length === 1, 'the first event was not reported');
    controller.abort();
    await watching;
    expect(stream!.cancelled).to.equal(true);
    await aTimeout(40);
    expect(flows).to.deep.equal([oauthFlow]);
    expect(fake.requests).to.have.length(1);
  });
});

/** A wizard that polls every 30 ms instead of 2 s, so the fallback can be seen within a test. */
class QuickPollWizard extends RecordingWizard {
  protected override flowPollIntervalMs = 30;
}
if (!customElements.get('quick-poll-wizard')) customElements.define('quick-poll-wizard', QuickPollWizard);

describe('<keyway-wizard> live status', () => {
  let live: LiveFlowApi | undefined;
  beforeEach(() => sessionStorage.clear());
  afterEach(() => live?.restore());

  const openWizard = () => fixture<QuickPollWizard>(`<quick-poll-wizard link="${LINK}" redirect-delay="60000"></quick-poll-wizard>`);
  const stepShown = (el: RecordingWizard, tag: string) => waitUntil(() => el.shadowRoot!.querySelector(tag), `<${tag}> was not shown`);

  it('listens to the flow events on an OAuth step and shows the flow an event reports', async () => {
    live = liveFlowApi(oauthFlow);
    const el = await openWizard();
    const stream = await live.stream();
    expect(live.requestsTo('GET', EVENTS)[0]!.authorization).to.equal(`Bearer ${TOKEN}`);
    await stepShown(el, 'keyway-oauth');
    const success = oneEvent(el, 'keyway-success');
    stream.sendFlow(succeeded);
    await success;
    await stepShown(el, 'keyway-success');
    expect(el.typesPostedTo('https://app.example.com')).to.include('success');
    await waitUntil(() => stream.cancelled, 'the stream stayed open after the flow ended');
  });

  it('does not listen on steps that need no outside event', async () => {
    live = liveFlowApi(flowWith(providersStep));
    const el = await openWizard();
    await stepShown(el, 'keyway-providers');
    await aTimeout(60);
    expect(live.requestsTo('GET', EVENTS)).to.deep.equal([]);
  });

  it('polls GET /flows/current when the stream fails, and shows the flow it returns', async () => {
    let polls = 0;
    live = liveFlowApi(oauthFlow, {
      events: () => apiError(502, 'bad_gateway'),
      current: () => json(200, ++polls < 3 ? oauthFlow : succeeded),
    });
    const el = await openWizard();
    await stepShown(el, 'keyway-success');
    expect(polls).to.equal(3);
    expect(live.requestsTo('GET', CURRENT).every((request) => request.authorization === `Bearer ${TOKEN}`)).to.equal(true);
    await aTimeout(100);
    expect(polls, 'polling stops once the flow ended').to.equal(3);
  });

  it('stops listening when the step changes to one that needs no event', async () => {
    live = liveFlowApi(oauthFlow, { submit: () => json(200, flowWith(providersStep)) });
    const el = await openWizard();
    const stream = await live.stream();
    await stepShown(el, 'keyway-oauth');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="back-button"]')!.click();
    await stepShown(el, 'keyway-providers');
    await waitUntil(() => stream.cancelled, 'the stream stayed open on the providers step');
    await aTimeout(60);
    expect(live.streams).to.have.length(1);
  });

  it('stops listening when the wizard leaves the page, and listens again when it comes back', async () => {
    live = liveFlowApi(oauthFlow);
    const el = await openWizard();
    const first = await live.stream(0);
    await stepShown(el, 'keyway-oauth');
    const parent = el.parentElement!;
    el.remove();
    await waitUntil(() => first.cancelled, 'the stream stayed open after the wizard was removed');
    parent.append(el);
    const second = await live.stream(1);
    second.sendFlow(succeeded);
    await stepShown(el, 'keyway-success');
  });

  it('keeps an event from overwriting the answer to the user’s own request', async () => {
    let answer: (response: Response) => void = () => {};
    live = liveFlowApi(oauthFlow, { submit: () => new Promise<Response>((resolve) => (answer = resolve)) });
    const el = await openWizard();
    const stream = await live.stream();
    await stepShown(el, 'keyway-oauth');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="cancel-button"]')!.click();
    await waitUntil(() => stream.cancelled, 'the stream stayed open during the request');
    answer(json(200, flowWith({ kind: 'failure', id: 'cancelled', reason: 'user_cancelled', message: 'Cancelled', retryable: false })));
    await stepShown(el, 'keyway-failure');
    expect(el.shadowRoot!.querySelector('keyway-success')).to.equal(null);
  });
});
