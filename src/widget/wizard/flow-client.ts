import { flowStorageKey } from '../../protocol/constants.js';
import type { Flow, OpenFlowRequest, OpenFlowResponse } from '../../protocol/flow.js';
import type { StepInput } from '../../protocol/step-input.js';
import type { MessageRef } from '../../protocol/words.js';
import { isFlow, isOpenFlowResponse } from './flow-guards.js';

/** The server answered with an error body (`{error: {code, message, details?}}`) or an unreadable one. */
export class FlowApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The key of `message`, for the answers the wizard shows its user. */
    readonly i18n?: MessageRef,
  ) {
    super(message);
    this.name = 'FlowApiError';
  }
}

/** No answer at all: offline, DNS, a proxy dropping the connection. */
export class FlowNetworkError extends Error {
  constructor(cause: unknown) {
    super('The flow API could not be reached.', { cause });
    this.name = 'FlowNetworkError';
  }
}

/**
 * A flow API URL. Called across origins (`api-base` set), it names the wizard's link, so that
 * Keyway can answer the browser's preflight for the origins of that link alone (see the server's
 * security/cors.ts); on its own page the wizard needs none.
 */
export function flowApiUrl(apiBase: string, path: string, link = ''): string {
  return apiBase && link ? `${apiBase}${path}?link=${encodeURIComponent(link)}` : `${apiBase}${path}`;
}

/**
 * The widget's side of the flow API. Answers are shape-checked before use;
 * see flow-guards.ts for why the widget does not run the zod schemas.
 */
export class FlowClient {
  constructor(
    private readonly apiBase: string,
    /** The link token, named in cross-origin URLs (see flowApiUrl). */
    private readonly link = '',
  ) {}

  /** `POST /api/v1/flows`: trades the link token for a flow token and the first step. */
  open(request: OpenFlowRequest, signal: AbortSignal): Promise<OpenFlowResponse> {
    return this.request('/api/v1/flows', { method: 'POST', body: JSON.stringify(request) }, signal, isOpenFlowResponse);
  }

  /** `GET /api/v1/flows/current` */
  current(flowToken: string, signal: AbortSignal): Promise<Flow> {
    return this.request('/api/v1/flows/current', { method: 'GET', token: flowToken }, signal, isFlow);
  }

  /** `POST /api/v1/flows/current/steps` */
  submit(flowToken: string, input: StepInput, signal: AbortSignal): Promise<Flow> {
    return this.request(
      '/api/v1/flows/current/steps',
      { method: 'POST', token: flowToken, body: JSON.stringify(input) },
      signal,
      isFlow,
    );
  }

  private async request<T>(
    path: string,
    options: { method: 'GET' | 'POST'; token?: string; body?: string },
    signal: AbortSignal,
    isExpected: (body: unknown) => body is T,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
    let response: Response;
    try {
      // `fetch` is looked up on each call (not captured) so a test can stand in for the server.
      response = await fetch(flowApiUrl(this.apiBase, path, this.link), {
        method: options.method,
        headers,
        body: options.body,
        signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new FlowNetworkError(error);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw toApiError(response.status, body);
    if (!isExpected(body)) throw new FlowApiError(response.status, 'invalid_response', 'The server sent an answer the wizard cannot read.');
    return body;
  }
}

function toApiError(status: number, body: unknown): FlowApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; i18n?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error?.message === 'string' ? error.message : `The server answered ${status}.`;
  return new FlowApiError(status, code, message, error?.details, messageRefOf(error?.i18n));
}

/** An error's key when it has the protocol's shape; anything else is dropped and the English text shown. */
function messageRefOf(value: unknown): MessageRef | undefined {
  const ref = value as { key?: unknown; params?: unknown } | null | undefined;
  if (typeof ref?.key !== 'string') return undefined;
  if (ref.params === undefined) return { key: ref.key };
  if (typeof ref.params !== 'object' || ref.params === null) return undefined;
  const entries = Object.entries(ref.params);
  if (!entries.every(([, param]) => typeof param === 'string' || typeof param === 'number')) return undefined;
  return { key: ref.key, params: Object.fromEntries(entries) as Record<string, string | number> };
}

/**
 * The flow token survives a reload of the tab (sessionStorage) but not the tab itself.
 * Storage can be refused (sandboxed or partitioned frames); the wizard then keeps the token in memory only.
 */
export const flowTokenStore = {
  key: flowStorageKey,
  read(link: string): string | undefined {
    try {
      return sessionStorage.getItem(this.key(link)) ?? undefined;
    } catch {
      return undefined;
    }
  },
  write(link: string, token: string): void {
    try {
      sessionStorage.setItem(this.key(link), token);
    } catch {
      /* memory only, see above */
    }
  },
  forget(link: string): void {
    try {
      sessionStorage.removeItem(this.key(link));
    } catch {
      /* memory only, see above */
    }
  },
};
