import type { Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node's defaults (60 s to send the headers, 300 s for the whole request, checked every 30 s) let a
 * silent client or a half-sent request hold a socket for minutes. Keyway's requests are small (bodies
 * up to 64 KB); an event stream is a long response, which these limits do not touch.
 */
export const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2000 } satisfies ServerOptions;

/** How often, during the grace period, connections that finished their request are closed. */
const IDLE_SWEEP_MS = 50;

export interface HttpDrainer {
  /**
   * Stops accepting connections and lets requests in flight finish within `graceMs`. Idle keep-alive
   * connections are closed at once and again as they become idle, and requests that still arrive on
   * open connections are answered with `Connection: close`; whatever is open when the grace runs out
   * is cut. Resolves with whether everything finished in time.
   */
  drain(graceMs: number): Promise<boolean>;
}

/** Call before the server accepts anything: it keeps track of connections from the start. */
export function httpDrainer(server: Server): HttpDrainer {
  // Node counts a connection that has not sent a byte as busy (its header timer runs), so draining would
  // wait out the grace period for it; nothing has been asked on it, so it can be closed at once.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Answers still being worked on when the drain starts must end their connection too, or a keep-alive
  // client sends its next request on a socket the drain is about to close.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  const closeIdle = () => {
    server.closeIdleConnections();
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };

  return {
    async drain(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.prependListener('request', (_request, response) => response.setHeader('Connection', 'close'));
      for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
      closeIdle();
      const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
      try {
        if (await settlesWithin(closed, graceMs)) return true;
        server.closeAllConnections();
        await settlesWithin(closed, 1000);
        return false;
      } finally {
        clearInterval(sweep);
      }
    },
  };
}

/** Whether `promise` settles within `ms`; when time runs out first, the promise is left to run on unheeded. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
