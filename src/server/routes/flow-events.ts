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
export const EVENTS_POLL_MS = 250;
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
    stream.onAbort(() => {
      open = false;
    });
    try {
      await watch(stream, services, token, first, () => open && !services.shutdown.aborted);
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

async function watch(stream: SSEStreamingApi, services: Services, token: string, first: Flow, isOpen: () => boolean): Promise<void> {
  let flow = first;
  let version = await services.engine.version(flow.id);
  await send(stream, flow);
  const started = services.clock();
  let lastWrite = started;
  const versions = sharedVersionPoller(services.store, EVENTS_POLL_MS);
  while (isOpen() && flow.status === 'active' && services.clock() - started < MAX_STREAM_MS) {
    // The wait is the shared poll, cut short by a notified change: one query for every waiting stream of this instance.
    const current = await versions.next(flow.id);
    const now = services.clock();
    const due = now >= Date.parse(flow.expiresAt) || (flow.step.kind === 'qr' && now >= Date.parse(flow.step.expiresAt) - QR_RENEW_BEFORE_MS);
    if (current !== version || due) {
      version = current;
      flow = await services.engine.current(token);
      await send(stream, flow);
      lastWrite = services.clock();
    } else if (services.clock() - lastWrite >= HEARTBEAT_MS) {
      await stream.write(': keep-alive\n\n');
      lastWrite = services.clock();
    }
  }
}

function send(stream: SSEStreamingApi, flow: Flow): Promise<void> {
  return stream.writeSSE({ event: 'flow', id: flow.step.id, data: JSON.stringify(flow) });
}
