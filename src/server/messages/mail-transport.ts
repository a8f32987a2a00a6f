import { createTransport } from 'nodemailer';
import type { MailAddress } from './mail-settings.js';
import { redactSmtpUrl } from './mail-settings.js';

/** One mail as it leaves Keyway. */
export interface OutgoingMail {
  from: MailAddress;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets; the same on every attempt, so a copy sent twice can be recognised. */
  messageId: string;
}

export interface MailTransport {
  /** For the start-up line; never holds a password. */
  readonly description: string;
  /** Resolves once the server accepted the mail; rejects otherwise, with `permanent` when retrying cannot help. */
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
  close(): void;
}

/** A failure that no later attempt can fix: the server refused the recipient or the message itself (5xx). */
export class PermanentMailError extends Error {
  override readonly name = 'PermanentMailError';
}

export interface SmtpTimeouts {
  /** TCP (and TLS for smtps) connect. */
  connectTimeoutMs?: number;
  /** From connected to the server's greeting. */
  greetingTimeoutMs?: number;
  /** Longest silence of the server once talking. */
  socketTimeoutMs?: number;
  /** Connections kept open to the server at once. */
  maxConnections?: number;
}

/**
 * Nodemailer's pooled SMTP transport. The server is the operator's own (KEYWAY_SMTP_URL), not a URL a
 * tenant gave, so it does not go through the outbound address checks of security/outbound.ts: a
 * relay on localhost or on the private network is the usual set-up. The pool keeps connections open
 * between mails, so a sign-in code does not wait for a new TLS handshake and login each time.
 */
export function smtpTransport(url: string, timeouts: SmtpTimeouts = {}): MailTransport {
  const transporter = createTransport({
    pool: true,
    url,
    maxConnections: timeouts.maxConnections ?? 4,
    connectionTimeout: timeouts.connectTimeoutMs ?? 10_000,
    greetingTimeout: timeouts.greetingTimeoutMs ?? 10_000,
    socketTimeout: timeouts.socketTimeoutMs ?? 30_000,
    dnsTimeout: timeouts.connectTimeoutMs ?? 10_000,
    // An idle connection is closed well before a typical server's own idle limit.
    idleTimeout: 30_000,
    // Nodemailer logs nothing by default; keep it so, as its debug output would hold mail bodies.
    logger: false,
    debug: false,
  });
  return {
    description: `SMTP ${redactSmtpUrl(url)}`,
    async send(mail, signal) {
      try {
        await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${mail.messageId}>`,
          // RFC 3834: an automatic mail, so out-of-office replies are not sent back to no-reply@.
          headers: { 'Auto-Submitted': 'auto-generated' },
          signal,
        });
      } catch (error) {
        throw classify(error);
      }
    },
    close() {
      transporter.close();
    },
  };
}

function classify(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const { code, responseCode } = error as Error & { code?: string; responseCode?: number };
  // EENVELOPE: the recipient was refused; EMESSAGE: the message was. A 4xx there is only "not now".
  if ((code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode >= 500) {
    return new PermanentMailError(error.message, { cause: error });
  }
  return error;
}

export interface InboxEntry {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

/**
 * Demo mode with no SMTP server: mail lands here instead, newest first, the last 50 of this process,
 * for the demo page to show. Nothing here survives a restart; it is a window, not a mailbox.
 */
export class DemoInbox implements MailTransport {
  static readonly KEEP = 50;
  readonly description = 'the demo inbox (no KEYWAY_SMTP_URL; shown at /demo)';
  readonly #entries: InboxEntry[] = [];
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  get entries(): readonly InboxEntry[] {
    return this.#entries;
  }

  async send(mail: OutgoingMail): Promise<void> {
    const from = `${mail.from.name} <${mail.from.address}>`;
    this.#entries.unshift({ id: mail.messageId, from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, sentAt: new Date(this.#clock()).toISOString() });
    this.#entries.splice(DemoInbox.KEEP);
  }

  close(): void {}
}
