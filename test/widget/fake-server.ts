import type { HostMessage } from '../../src/protocol/index.js';
import { KeywayWizard } from '../../src/widget/index.js';
import type { HostMessageTarget } from '../../src/widget/index.js';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

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
    return handler(request);
  };
  return { requests, restore: () => (window.fetch = original) };
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
