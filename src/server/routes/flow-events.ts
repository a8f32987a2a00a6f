import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Flow } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { QR_RENEW_BEFORE_MS } from '../flows/engine.js';

export const EVENTS_POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** Streams end after this long; clients reconnect, which re-checks the token. */
const MAX_STREAM_MS = 10 * 60 * 1000;

/**
 * `GET /api/v1/flows/current/events`: the flow each time it changes (QR confirmed on a phone,
 * OAuth finished in a popup). Changes are found by polling the row version, so any instance
 * sharing the database sees changes made by any other.
 */
export async function flowEvents(c: Context<AppEnv>, services: Services): Promise<Response> {
  const token = c.get('flowToken');
  const first = await services.engine.current(token);
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    await watch(stream, services, token, first, () => open && !services.shutdown.aborted);
  });
}

async function watch(stream: SSEStreamingApi, services: Services, token: string, first: Flow, isOpen: () => boolean): Promise<void> {
  let flow = first;
  let version = await services.engine.version(flow.id);
  await send(stream, flow);
  const started = services.clock();
  let lastWrite = started;
  while (isOpen() && flow.status === 'active' && services.clock() - started < MAX_STREAM_MS) {
    await stream.sleep(EVENTS_POLL_MS);
    const current = await services.engine.version(flow.id);
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
