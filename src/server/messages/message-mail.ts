import type { Brand, MessageContent } from '../../protocol/index.js';
import type { MailBody } from './mail-outbox.js';
import { renderMail } from './mail-render.js';
import { tokenizeUrlsInText, withMessageToken } from './message-links.js';

/** The subject stored in clear in the outbox: the host's subject, or one naming the brand. */
export function messageSubject(content: MessageContent, brand: Brand): string {
  return content.subject ?? `A message from ${brand.name}`;
}

/**
 * A message as its client reads it: the text (every URL in it carrying the token), the host's
 * links with the token, and pictures as plain https links (never loaded by the mail client, so
 * opening the mail tells nobody anything). Every string is escaped by renderMail.
 */
export function renderMessageMail(options: { brand: Brand; content: MessageContent; token: string }): MailBody {
  const { brand, content, token } = options;
  const paragraphs = tokenizeUrlsInText(content.message ?? '', token)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const links = [
    ...content.links.map((url) => withMessageToken(url, token)).map((url) => ({ label: url, url })),
    ...content.pictures.map((url, index) => ({ label: `Picture ${index + 1}`, url })),
  ];
  return renderMail({
    brand,
    heading: messageSubject(content, brand),
    paragraphs,
    linkify: true,
    links,
    footer: `Sent to you by ${brand.name}. The links in this mail are yours: do not forward it.`,
  });
}
