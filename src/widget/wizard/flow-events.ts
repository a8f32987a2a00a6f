import type { Flow } from '../../protocol/flow.js';
import { FlowApiError, FlowClient, flowApiUrl } from './flow-client.js';
import { isFlow } from './flow-guards.js';

/** One dispatched server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental `text/event-stream` parser (the HTML standard's "event stream
 * interpretation"). Text arrives in arbitrary pieces: a line, a field or even a
 * CRLF pair can be split across two `push` calls, so unfinished lines wait in a
 * buffer until their line ending arrives.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private eventType = '';
  private dataLines: string[] = [];
  private lastEventId: string | undefined;

  /** Feeds decoded text; returns the events completed by it, in order. */
  push(text: string): SseMessage[] {
    this.buffer += text;
    if (!this.started && this.buffer.length > 0) {
      this.started = true;
      if (this.buffer.startsWith('\uFEFF')) this.buffer = this.buffer.slice(1);
    }
    const messages: SseMessage[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let lineStart = 0;
    for (let match = lineEnd.exec(this.buffer); match; match = lineEnd.exec(this.buffer)) {
      // A CR at the very end may be the first half of a CRLF still on its way.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const message = this.line(this.buffer.slice(lineStart, match.index));
      if (message) messages.push(message);
      lineStart = lineEnd.lastIndex;
    }
    this.buffer = this.buffer.slice(lineStart);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.dataLines.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const event = this.eventType || 'message';
    const data = this.dataLines;
    this.eventType = '';
    this.dataLines = [];
    if (data.length === 0) return undefined;
    const message: SseMessage = { event, data: data.join('\n') };
    if (this.lastEventId !== undefined) message.id = this.lastEventId;
    return message;
  }
}

export interface FlowWatchOptions {
  /** Origin (and optional path prefix) of the flow API; empty for this page's origin. */
  apiBase: string;
  /** The link token, named in cross-origin URLs (see flowApiUrl). */
  link?: string;
  flowToken: string;
  /** Aborting stops the stream or the polling at once; no `onFlow` call follows. */
  signal: AbortSignal;
  /** Called with each flow the server reports, the first one included. */
  onFlow(flow: Flow): void;
  /** Interval of the polling fallback; it doubles after each failed poll. */
  pollIntervalMs?: number;
  /** The longest wait between polls after repeated failures. */
  maxBackoffMs?: number;
}

const DEFAULT_POLL_MS = 2000;
const DEFAULT_MAX_BACKOFF_MS = 30_000;

/** `ended`: the server closed a healthy stream (it does after a while, to re-check the token). */
type StreamOutcome = 'ended' | 'failed' | 'finished' | 'refused' | 'aborted';

/**
 * Reports the flow each time it changes until the flow ends, the token is refused
 * or `signal` aborts. Listens to `GET /api/v1/flows/current/events`; when that
 * stream cannot be had or breaks (a proxy that buffers or cuts streams, an old
 * server), it polls `GET /api/v1/flows/current` instead, backing off on errors.
 *
 * The stream is read with `fetch`, not `EventSource`, because the flow token
 * travels in the `Authorization` header (no cookies: the wizard must work in
 * third-party iframes) and `EventSource` cannot send headers.
 */
export async function watchFlow(options: FlowWatchOptions): Promise<void> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  for (;;) {
    const outcome = await streamFlow(options);
    if (outcome === 'ended') {
      // Reconnect, but never faster than the polling would ask.
      if (!(await sleep(pollIntervalMs, options.signal))) return;
      continue;
    }
    if (outcome === 'failed') return pollFlow(options);
    return;
  }
}

async function streamFlow({ apiBase, link, flowToken, signal, onFlow }: FlowWatchOptions): Promise<StreamOutcome> {
  let delivered = 0;
  try {
    const response = await fetch(flowApiUrl(apiBase, '/api/v1/flows/current/events', link), {
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${flowToken}` },
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    if (response.status === 401) return 'refused';
    const isEventStream = response.headers.get('Content-Type')?.startsWith('text/event-stream') ?? false;
    if (!response.ok || !isEventStream || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return 'failed';
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return delivered > 0 ? 'ended' : 'failed';
      for (const message of parser.push(value)) {
        const flow = message.event === 'flow' ? parseFlow(message.data) : undefined;
        if (!flow || signal.aborted) continue;
        delivered += 1;
        onFlow(flow);
        if (flow.status !== 'active') {
          await reader.cancel().catch(() => undefined);
          return 'finished';
        }
      }
    }
  } catch {
    return signal.aborted ? 'aborted' : 'failed';
  }
}

async function pollFlow({ apiBase, link, flowToken, signal, onFlow, pollIntervalMs, maxBackoffMs }: FlowWatchOptions): Promise<void> {
  const client = new FlowClient(apiBase, link);
  const interval = pollIntervalMs ?? DEFAULT_POLL_MS;
  const ceiling = Math.max(interval, maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
  let wait = interval;
  while (await sleep(wait, signal)) {
    try {
      const flow = await client.current(flowToken, signal);
      if (signal.aborted) return;
      onFlow(flow);
      if (flow.status !== 'active') return;
      wait = interval;
    } catch (error) {
      if (signal.aborted) return;
      // The token or the flow is gone: polling cannot bring them back; the wizard's next request will say so.
      if (error instanceof FlowApiError && [401, 403, 404].includes(error.status)) return;
      wait = Math.min(wait * 2, ceiling);
    }
  }
}

function parseFlow(data: string): Flow | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isFlow(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
