import type { Brand } from '../../protocol/index.js';
import { isHttpUrl } from '../../protocol/url-rules.js';
import { escapeHtml } from '../html.js';
import type { MailBody } from './mail-outbox.js';
import { splitUrls } from './message-links.js';

export interface MailContent {
  brand: Brand;
  heading: string;
  paragraphs: readonly string[];
  /** Dropped unless its URL is absolute http(s): a mail must not carry a javascript: or data: link. */
  button?: { label: string; url: string; /** Shown with the bare URL under the button, for clients that block it. */ fallback?: string };
  /** Show the http(s) URLs written in the paragraphs as links (a message's text), not only as words. */
  linkify?: boolean;
  /** Links listed under the text, each on its own line; any that is not absolute http(s) is dropped. */
  links?: readonly { label: string; url: string }[];
  /** A one-time code, shown large and spaced. */
  code?: string;
  footer: string;
  /** BCP 47 language of the words, for screen readers; `en` by default. */
  lang?: string;
}

const DEFAULT_COLOUR = '#3451d1';
const TEXT = '#1f2330';
const MUTED = '#5b6070';
const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
function textOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is (1.05)/(L+0.05), with black (L+0.05)/0.05: equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/**
 * Renders a transactional mail as HTML and plain text with the same content. Every string is escaped,
 * styles are inline (mail clients drop <style> and external sheets), the layout is a single table
 * column 480 px wide, and the brand gives the name and the accent colour.
 */
export function renderMail(content: MailContent): MailBody {
  const colour = content.brand.primaryColor && /^#[0-9a-fA-F]{6}$/.test(content.brand.primaryColor) ? content.brand.primaryColor : DEFAULT_COLOUR;
  const radius = content.brand.radius && /^[0-9]{1,2}px$/.test(content.brand.radius) ? content.brand.radius : '6px';
  const lang = content.lang && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(content.lang) ? content.lang : 'en';
  const button = content.button && isHttpUrl(content.button.url) ? content.button : undefined;
  return { html: html(content, { colour, radius, lang, button }), text: text(content, button) };
}

interface Look {
  colour: string;
  radius: string;
  lang: string;
  button: MailContent['button'];
}

function row(style: string, inner: string): string {
  return `<tr><td style="${style}">${inner}</td></tr>`;
}

/** Escaped words, with each http(s) URL an escaped link of its own. */
function linkified(paragraph: string, colour: string): string {
  return splitUrls(paragraph)
    .map((part) => ('url' in part ? `<a href="${escapeHtml(part.url)}" style="color:${colour};word-break:break-all;">${escapeHtml(part.url)}</a>` : escapeHtml(part.text)))
    .join('');
}

function html(content: MailContent, look: Look): string {
  const e = escapeHtml;
  const rows = [
    row(`padding:24px 32px 0;font-size:15px;font-weight:700;color:${look.colour};`, e(content.brand.name)),
    row('padding:16px 32px 0;', `<h1 style="margin:0;font-size:22px;line-height:1.3;font-weight:700;color:${TEXT};">${e(content.heading)}</h1>`),
    ...content.paragraphs.map((paragraph) => row(`padding:12px 32px 0;font-size:15px;line-height:1.5;color:${TEXT};`, content.linkify ? linkified(paragraph, look.colour) : e(paragraph))),
  ];
  for (const link of (content.links ?? []).filter((item) => isHttpUrl(item.url))) {
    rows.push(row(`padding:8px 32px 0;font-size:15px;line-height:1.5;word-break:break-all;`, `<a href="${e(link.url)}" style="color:${look.colour};">${e(link.label)}</a>`));
  }
  if (content.code !== undefined) {
    rows.push(
      row(
        'padding:20px 32px 0;',
        `<div style="font-family:ui-monospace, Menlo, Consolas, monospace;font-size:28px;font-weight:700;letter-spacing:6px;text-align:center;padding:12px;background:#f4f4f7;border-radius:${look.radius};color:${TEXT};">${e(content.code)}</div>`,
      ),
    );
  }
  if (look.button) {
    const href = e(look.button.url);
    rows.push(
      row(
        'padding:24px 32px 0;text-align:center;',
        `<a href="${href}" style="display:inline-block;padding:12px 24px;background:${look.colour};color:${textOn(look.colour)};border-radius:${look.radius};font-size:15px;font-weight:600;text-decoration:none;">${e(look.button.label)}</a>`,
      ),
    );
    if (look.button.fallback) {
      rows.push(row(`padding:16px 32px 0;font-size:13px;line-height:1.5;color:${MUTED};word-break:break-all;`, `${e(look.button.fallback)}<br><a href="${href}" style="color:${look.colour};">${href}</a>`));
    }
  }
  rows.push(row(`padding:24px 32px 28px;font-size:12px;line-height:1.5;color:${MUTED};`, e(content.footer)));
  return [
    '<!doctype html>',
    `<html lang="${e(look.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(content.heading)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f4f4f7;font-family:${FONT};">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f7;padding:24px 8px;"><tr><td align="center">',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:480px;background:#ffffff;border-radius:8px;font-family:${FONT};">`,
    ...rows,
    '</table></td></tr></table></body></html>',
  ].join('\n');
}

function text(content: MailContent, button: MailContent['button']): string {
  const blocks = [content.brand.name, content.heading, ...content.paragraphs];
  const links = (content.links ?? []).filter((item) => isHttpUrl(item.url));
  if (links.length > 0) blocks.push(links.map((link) => (link.label === link.url ? link.url : `${link.label}: ${link.url}`)).join('\n'));
  if (content.code !== undefined) blocks.push(`    ${content.code}`);
  if (button) blocks.push(`${button.label}: ${button.url}`);
  blocks.push(`-- \n${content.footer}`);
  return `${blocks.join('\n\n')}\n`;
}
