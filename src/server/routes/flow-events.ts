import type { Context } from 'hono';
import { streamSSE, type SSEMessage, type SSEStreamingApi } from 'hono/streaming';
import type { Flow } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { databaseUnavailable, errorBody } from '../errors.js';
import { QR_RENEW_BEFORE_MS } from '../flows/step-rules.js';
import { sharedVersionPoller } from '../flows/version-poller.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';

// One shared query per poll serves every stream of the instance, so polling often costs little.
// It is the mechanism on SQLite and the fallback on PostgreSQL while the change listener is down.
export const EVENTS_POLL_MS = 200;
const HEARTBEAT_MS = 15_000;
/** Streams end after this long; clients reconnect, which re-checks the token. */
const MAX_STREAM_MS = 10 * 60 * 1000;

/**
 * The last event of a stream cut short by a restart: the client reconnects (to another instance, or
 * to this one once it is back); the flow itself lives in the database and carries on.
 */
export const SHUTDOWN_EVENT: SSEMessage = { event: 'shutdown', data: JSON.stringify({ reconnect: true }), retry: 1000 };

/**
 * `GET /api/v1/flows/current/events`: the flow each time it changes (QR confirmed on a phone,
 * OAuth finished in a popup). Changes are found by the row version, read by one shared query per
 * instance (flows/version-poller.ts): at once when PostgreSQL notifies a change made on any
 * instance, else at the next poll, so any instance sharing the database sees changes made by any other.
 */
export async function flowEvents(c: Context<AppEnv>, services: Services): Promise<Response> {
  const token = c.get('flowToken');
  const first = await services.engine.current(token);
  return streamSSE(c, async (stream) => {
    let open = true;
    // A client gone or a shutdown ends the wait at once, without waiting for the next poll.
    const ended = new Promise<void>((resolve) => {
      stream.onAbort(() => {
        open = false;
        resolve();
      });
      if (services.shutdown.aborted) resolve();
      else services.shutdown.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await watch(stream, services, token, first, { isOpen: () => open && !services.shutdown.aborted, ended });
      if (open && services.shutdown.aborted) await stream.writeSSE(SHUTDOWN_EVENT);
    } catch (error) {
      // The response has started, so the error handler cannot answer; the stream's last event says why it ends.
      if (open) await stream.writeSSE(streamError(error));
    }
  });
}

/** The protocol's error body as an `error` event; an outage also says when to come back. */
function streamError(error: unknown): SSEMessage {
  if (isDatabaseUnavailable(error)) {
    const { code, message, retryAfterSeconds = 5 } = databaseUnavailable();
    return { event: 'error', data: JSON.stringify(errorBody(code, message)), retry: retryAfterSeconds * 1000 };
  }
  console.error('[keyway] flow event stream failed:', error);
  return { event: 'error', data: JSON.stringify(errorBody('internal_error', 'Something went wrong on our side.')) };
}

/** When a stream must look at its flow again even if it has not changed: its expiry, or its QR code's renewal. */
function renewalTime(flow: Flow): number {
  const expiry = Date.parse(flow.expiresAt);
  return flow.step.kind === 'qr' ? Math.min(expiry, Date.parse(flow.step.expiresAt) - QR_RENEW_BEFORE_MS) : expiry;
}

async function watch(stream: SSEStreamingApi, services: Services, token: string, first: Flow, end: { isOpen: () => boolean; ended: Promise<void> }): Promise<void> {
  let flow = first;
  let version = await services.engine.version(flow.id);
  await send(stream, flow);
  const started = services.clock();
  let lastWrite = started;
  let renewAt = renewalTime(flow);
  const versions = sharedVersionPoller(services.store, EVENTS_POLL_MS);
  const streamOver = () => !end.isOpen() || services.clock() - started >= MAX_STREAM_MS;
  const renewalDue = () => services.clock() >= renewAt;
  const heartbeatDue = () => services.clock() - lastWrite >= HEARTBEAT_MS;
  while (!streamOver() && flow.status === 'active') {
    // The shared poll, cut short by a notified change, wakes this stream only when it has something to do.
    const current = await Promise.race([versions.next(flow.id, version, () => renewalDue() || heartbeatDue() || streamOver()), end.ended.then(() => version)]);
    if (streamOver()) break;
    if (current !== version || renewalDue()) {
      version = current;
      flow = await services.engine.current(token);
      renewAt = renewalTime(flow);
      await send(stream, flow);
      lastWrite = services.clock();
    } else if (heartbeatDue()) {
      await stream.write(': keep-alive\n\n');
      lastWrite = services.clock();
    }
  }
}

function send(stream: SSEStreamingApi, flow: Flow): Promise<void> {
  return stream.writeSSE({ event: 'flow', id: flow.step.id, data: JSON.stringify(flow) });
}
