import type { Flow, HostMessage } from '../../src/protocol/index.js';
import { KeywayWizard } from '../../src/widget/index.js';
import type { HostMessageTarget } from '../../src/widget/index.js';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

/** `init` is the request as the wizard made it (headers, `signal`), for what `RecordedRequest` leaves out. */
type Handler = (request: RecordedRequest, init: RequestInit) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function apiError(status: number, code: string, message = code, details?: unknown): Response {
  return json(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/**
 * Stands in for the flow API by replacing `window.fetch`: the wizard is tested as
 * a unit here; the real server is covered by the end-to-end tests.
 */
export function fakeFlowApi(handler: Handler): { requests: RecordedRequest[]; restore(): void } {
  const original = window.fetch;
  const requests: RecordedRequest[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), window.location.href);
    const headers = new Headers(init?.headers);
    const request: RecordedRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      authorization: headers.get('Authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    return handler(request, init ?? {});
  };
  return { requests, restore: () => (window.fetch = original) };
}

/** A streamed `text/event-stream` answer that a test writes to while the wizard reads it. */
export interface FakeEventStream {
  response: Response;
  /** Raw text or bytes, so a test can split an event (or a UTF-8 character) across chunks. */
  write(chunk: string | Uint8Array): void;
  /** One `event: flow` with the flow as JSON, as the server sends it. */
  sendFlow(flow: Flow): void;
  /** The server ends the stream. */
  close(): void;
  /** The connection breaks: the reader's next read rejects. */
  fail(): void;
  /** True once the reader cancelled the body or the request was aborted. */
  readonly cancelled: boolean;
}

/** Stands in for `GET /flows/current/events`; aborting the request errors the body, as a real fetch does. */
export function eventStream(signal?: AbortSignal | null): FakeEventStream {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => void (cancelled = true),
  });
  signal?.addEventListener('abort', () => {
    cancelled = true;
    try {
      controller.error(signal.reason);
    } catch {
      /* already closed */
    }
  });
  const write = (chunk: string | Uint8Array) => {
    if (!cancelled) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  };
  return {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    write,
    sendFlow: (flow) => write(`event: flow\nid: ${flow.step.id}\ndata: ${JSON.stringify(flow)}\n\n`),
    close: () => controller.close(),
    fail: () => controller.error(new TypeError('network error')),
    get cancelled() {
      return cancelled;
    },
  };
}

export interface LiveFlowApi {
  requests: RecordedRequest[];
  /** Every events stream the wizard opened, in order. */
  streams: FakeEventStream[];
  /** Resolves with the `n`th events stream (0-based) once the wizard has opened it. */
  stream(n?: number): Promise<FakeEventStream>;
  /** Requests to one path, e.g. to count polls. */
  requestsTo(method: string, path: string): RecordedRequest[];
  restore(): void;
}

/**
 * A flow API for the steps that wait on the server (QR, OAuth): opening the link
 * answers `first` with `token`; `GET /flows/current/events` answers `events()`, by
 * default a fresh stream the test writes to; `GET /flows/current` answers `current()`,
 * by default the opened flow; step posts answer `submit()`, by default a 500.
 */
export function liveFlowApi(
  first: Flow,
  options: {
    token?: string;
    events?: (init: RequestInit) => Response | Promise<Response>;
    current?: () => Response | Promise<Response>;
    submit?: () => Response | Promise<Response>;
  } = {},
): LiveFlowApi {
  const streams: FakeEventStream[] = [];
  const waiting: Array<() => void> = [];
  const api = fakeFlowApi((request, init) => {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /api/v1/flows') return json(201, { token: options.token ?? 'flow-token-1', flow: first });
    if (route === 'GET /api/v1/flows/current/events') {
      if (options.events) return options.events(init);
      const stream = eventStream(init.signal);
      streams.push(stream);
      waiting.splice(0).forEach((wake) => wake());
      return stream.response;
    }
    if (route === 'GET /api/v1/flows/current') return options.current ? options.current() : json(200, first);
    if (route === 'POST /api/v1/flows/current/steps') return options.submit ? options.submit() : apiError(500, 'no_answer');
    return apiError(404, 'not_found');
  });
  const stream = async (n = 0): Promise<FakeEventStream> => {
    while (!streams[n]) await new Promise<void>((wake) => waiting.push(wake));
    return streams[n]!;
  };
  const requestsTo = (method: string, path: string) => api.requests.filter((r) => r.method === method && r.path === path);
  return { requests: api.requests, streams, stream, requestsTo, restore: api.restore };
}

/** The wizard with its window-facing edges (message target, redirect) recorded instead of used. */
export class RecordingWizard extends KeywayWizard {
  posted: Array<{ message: HostMessage; targetOrigin: string }> = [];
  redirects: string[] = [];

  protected override messageTarget(): HostMessageTarget {
    return { postMessage: (message, targetOrigin) => this.posted.push({ message, targetOrigin }) };
  }

  protected override redirect(url: string): void {
    this.redirects.push(url);
  }

  /** The message types posted to one origin, in order. */
  typesPostedTo(origin: string): string[] {
    return this.posted.filter(({ targetOrigin }) => targetOrigin === origin).map(({ message }) => message.type);
  }
}

if (!customElements.get('recording-wizard')) customElements.define('recording-wizard', RecordingWizard);

declare global {
  interface HTMLElementTagNameMap {
    'recording-wizard': RecordingWizard;
  }
}
