/** What every failed call throws: Keyway's error body, or a transport failure (`status` 0). */
export class KeywayError extends Error {
  override readonly name = 'KeywayError';
  /** Stable and machine-readable: `invalid_request`, `not_found`, `rate_limited`, …; `network_error` and `timeout` when no answer came. */
  readonly code: string;
  /** The HTTP status, or 0 when no answer came. */
  readonly status: number;
  readonly details: unknown;
  /** Seconds the server asked the caller to wait (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(init: { code: string; message: string; status: number; details?: unknown; retryAfter?: number | undefined; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
  }
}

/** Thrown by `verifyWebhook` when a delivery is not one Keyway signed just now. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: 'malformed' | 'too_old' | 'mismatch' | 'invalid_body',
    message: string,
  ) {
    super(message);
  }
}
