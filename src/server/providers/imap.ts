import { ImapFlow } from 'imapflow';
import type { AdapterContext, AdapterInput, AdapterOutcome, ProviderAdapter, ProviderEntry } from './adapter.js';
import { resolvePublicHost } from './host-policy.js';
import type { ServerWordKey } from '../../protocol/index.js';
import { fieldErrors, texts } from '../i18n/words.js';

export interface ImapSettings {
  /** Allow servers on loopback and private networks (development and tests). */
  allowPrivateHosts?: boolean;
  /** Extra CA certificates (PEM) to trust, for servers with a private CA. */
  ca?: string;
  /** How long to wait for the server, per phase. */
  timeoutMs?: number;
}

type Security = 'tls' | 'starttls';

/**
 * Mail over IMAP: the credentials step is checked by a real LOGIN. A refused password or an
 * unreachable server is a field error on the same step, not the end of the flow.
 */
export class ImapAdapter implements ProviderAdapter {
  readonly plan = ['credentials'] as const;

  constructor(private readonly settings: ImapSettings = {}) {}

  async start(context: AdapterContext): Promise<AdapterOutcome> {
    return {
      type: 'step',
      step: {
        kind: 'credentials',
        provider: context.provider.summary.id,
        ...texts({ help: 'imap.credentials.help' }),
        fields: [
          { name: 'email', ...texts({ label: 'field.email_address.label' }), type: 'email', required: true, autocomplete: 'username', maxLength: 254 },
          { name: 'password', ...texts({ label: 'field.password.label', hint: 'imap.password.hint' }), type: 'password', required: true, autocomplete: 'current-password', maxLength: 256 },
          {
            name: 'host',
            ...texts({ label: 'imap.host.label', hint: ['imap.host.hint', { example: 'imap.example.com' }] }),
            type: 'text',
            required: true,
            autocomplete: 'off',
            pattern: '[A-Za-z0-9.-]+',
            maxLength: 253,
          },
          { name: 'port', ...texts({ label: 'imap.port.label', hint: 'imap.port.hint' }), type: 'number', required: false, pattern: '[0-9]{1,5}' },
          {
            name: 'security',
            ...texts({ label: 'imap.security.label' }),
            type: 'select',
            required: true,
            options: [
              { value: 'tls', label: 'TLS' },
              { value: 'starttls', label: 'STARTTLS' },
            ],
          },
        ],
      },
      state: {},
    };
  }

  async submit(context: AdapterContext, input: AdapterInput): Promise<AdapterOutcome> {
    if (input.kind !== 'credentials') return { type: 'retry' };
    const values = input.values;
    const security: Security = values['security'] === 'starttls' ? 'starttls' : 'tls';
    const port = values['port'] ? Number(values['port']) : security === 'tls' ? 993 : 143;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { type: 'retry', ...fieldErrors({ port: 'imap.error.port_range' }) };
    const host = (values['host'] ?? '').trim().toLowerCase();
    const resolved = await resolvePublicHost(host, { allowPrivate: this.settings.allowPrivateHosts ?? false });
    if ('refused' in resolved) {
      return { type: 'retry', ...fieldErrors({ host: resolved.refused === 'private' ? 'imap.error.host_private' : 'imap.error.host_unknown' }) };
    }
    const email = values['email'] ?? '';
    const password = values['password'] ?? '';
    const problem = await this.#login({ address: resolved.address, host, port, security, user: email, password });
    if (problem) return { type: 'retry', ...fieldErrors(problem) };
    return {
      type: 'connected',
      account: { externalId: `imap:${email}@${host}`, secrets: { host, port, security, user: email, password } },
    };
  }

  /** Signs in and out again; returns field errors, or undefined when the server accepted the login. */
  async #login(target: { address: string; host: string; port: number; security: Security; user: string; password: string }): Promise<Record<string, ServerWordKey> | undefined> {
    const timeout = this.settings.timeoutMs ?? 10_000;
    const client = new ImapFlow({
      host: target.address,
      servername: target.host,
      port: target.port,
      secure: target.security === 'tls',
      auth: { user: target.user, pass: target.password },
      logger: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableAutoIdle: true,
      tls: { rejectUnauthorized: true, servername: target.host, ...(this.settings.ca ? { ca: this.settings.ca } : {}) },
    });
    client.on('error', () => {
      // Reported through connect()'s rejection; without a listener the emitter would throw.
    });
    try {
      await client.connect();
    } catch (error) {
      client.close();
      return describeImapError(error);
    }
    // STARTTLS that the server did not offer would leave the password in clear text.
    const secure = client.secureConnection;
    await client.logout().catch(() => client.close());
    return secure ? undefined : { security: 'imap.error.not_encrypted' };
  }
}

function describeImapError(error: unknown): Record<string, ServerWordKey> {
  const failure = error as { authenticationFailed?: boolean; code?: string; message?: string };
  if (failure.authenticationFailed) return { password: 'imap.error.login_refused' };
  const code = failure.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { host: 'imap.error.unreachable' };
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || /timeout/i.test(failure.message ?? '')) return { host: 'imap.error.timeout' };
  if (/certificate|self.signed|SSL|TLS|wrong version/i.test(`${code} ${failure.message ?? ''}`)) return { security: 'imap.error.tls_failed' };
  return { _form: 'imap.error.refused' };
}

export function imapProvider(settings: ImapSettings = {}): ProviderEntry {
  return { summary: { id: 'IMAP', ...texts({ name: 'provider.imap.name' }), method: 'credentials' }, adapter: new ImapAdapter(settings) };
}
