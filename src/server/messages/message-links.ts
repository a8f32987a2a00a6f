import { isHttpUrl } from '../../protocol/url-rules.js';

/**
 * `url` with `token=<uuid>` added to its query: `?` or `&` as the URL needs, its own query and
 * fragment kept as they were written. A `token` the host already put there is replaced, so the
 * receiving site reads exactly one.
 */
export function withMessageToken(url: string, token: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('token')) parsed.searchParams.delete('token');
  const own = parsed.search.replace(/^\?/, '');
  parsed.search = own === '' ? `token=${token}` : `${own}&token=${token}`;
  return parsed.href;
}

// An http(s) URL as people type one in text; trailing punctuation is the sentence's, not the URL's.
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/;

/** A text cut into its words and its http(s) URLs (trailing punctuation left to the sentence), in order. */
export function splitUrls(text: string): ({ text: string } | { url: string })[] {
  const parts: ({ text: string } | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    let url = match[0];
    const punctuation = TRAILING_PUNCTUATION.exec(url);
    if (punctuation) {
      // A closing bracket that the URL itself opened stays with the URL (Wikipedia-style links).
      let cut = punctuation[0];
      while (cut.startsWith(')') && url.slice(0, -cut.length).includes('(')) cut = cut.slice(1);
      url = url.slice(0, url.length - cut.length);
    }
    if (!isHttpUrl(url)) continue;
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Every http(s) URL in a text, with the token added; the rest of the text unchanged. */
export function tokenizeUrlsInText(text: string, token: string): string {
  return splitUrls(text)
    .map((part) => ('url' in part ? withMessageToken(part.url, token) : part.text))
    .join('');
}
