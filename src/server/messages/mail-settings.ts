/** A sender: the display name (replaced by the tenant's brand name where it has one) and the address. */
export interface MailAddress {
  name: string;
  address: string;
}

export interface MailSettings {
  /** `smtp://user:pass@host:port` or `smtps://…` (`KEYWAY_SMTP_URL`); unset: demo inbox in demo mode, else mail waits. */
  smtpUrl: string | undefined;
  /** `KEYWAY_MAIL_FROM`; `Keyway <no-reply@<public host>>` by default. */
  mailFrom: MailAddress;
}

type Env = Record<string, string | undefined>;

/** One address, with none of the characters that would let it become a header or a second recipient. */
const ADDRESS = /^[^\s@<>()[\\\],;:"]+@[^\s@<>()[\\\],;:"]+$/;

export function isPlainAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/** `Name <address>`, `"Name" <address>` or a bare address; undefined when it is none of these. */
export function parseMailAddress(value: string, defaultName: string): MailAddress | undefined {
  const trimmed = value.trim();
  if (ADDRESS.test(trimmed)) return { name: defaultName, address: trimmed };
  const match = /^(?:"([^"]*)"|([^"<>]*?))\s*<([^<>]+)>$/.exec(trimmed);
  const address = match?.[3]?.trim();
  if (!match || !address || !ADDRESS.test(address)) return undefined;
  return { name: (match[1] ?? match[2] ?? '').trim() || defaultName, address };
}

/** An SMTP URL fit for a log line: the password replaced. */
export function redactSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'smtp://…';
  }
}

export function readMailSettings(env: Env, publicUrl: string): MailSettings {
  const rawUrl = env['KEYWAY_SMTP_URL']?.trim() || undefined;
  if (rawUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(rawUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      throw new Error(`KEYWAY_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…, got "${redactSmtpUrl(rawUrl)}"`);
    }
  }
  // An IP literal is no mail domain (and [::1] no address); such a host gets localhost until KEYWAY_MAIL_FROM is set.
  const host = new URL(publicUrl).hostname;
  const rawFrom = env['KEYWAY_MAIL_FROM'] ?? `Keyway <no-reply@${/^[a-z0-9.-]+$/i.test(host) && !/^[\d.]+$/.test(host) ? host : 'localhost'}>`;
  const mailFrom = parseMailAddress(rawFrom, 'Keyway');
  if (!mailFrom) throw new Error(`KEYWAY_MAIL_FROM must be an address such as "Keyway <no-reply@example.com>", got "${rawFrom}"`);
  return { smtpUrl: rawUrl, mailFrom };
}
