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

/** Every http(s) URL in a text, with the token added; the rest of the text unchanged. */
export function tokenizeUrlsInText(text: string, token: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    let url = match;
    let tail = '';
    const punctuation = TRAILING_PUNCTUATION.exec(url);
    if (punctuation) {
      // A closing bracket that the URL itself opened stays with the URL (Wikipedia-style links).
      let cut = punctuation[0];
      while (cut.startsWith(')') && url.slice(0, -cut.length).includes('(')) cut = cut.slice(1);
      tail = cut;
      url = url.slice(0, url.length - cut.length);
    }
    return isHttpUrl(url) ? `${withMessageToken(url, token)}${tail}` : match;
  });
}
