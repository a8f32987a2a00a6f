import type { MessageRef } from '../../protocol/words.js';
import { en, type PluralBase, type Translation, type TranslationKey } from './en.js';
import type { ServerWordTable } from './server-words/table.js';

export type TranslationParams = Record<string, string | number>;

/** The languages the wizard speaks, by primary language subtag. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A language's words: the wizard's own, and its translations of the texts the server writes. */
interface LanguageTables {
  words: Translation;
  /** None for English: the server's own text is the English. */
  serverWords?: ServerWordTable;
}

/**
 * English is in the initial bundle; every other table is a chunk of its own,
 * fetched the first time it is needed (most pages need one language only), with
 * its server words in the same chunk. A new language is a table file, a server
 * words file, one line here and one in `LANGUAGES`.
 */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Translation; serverWords: ServerWordTable }>> = {
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  ar: () => import('./ar.js'),
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ar']);

const ENGLISH: LanguageTables = { words: en };

const tables = new Map<Language, Promise<LanguageTables>>([['en', Promise.resolve(ENGLISH)]]);

let current: { language: Language } & LanguageTables = { language: 'en', ...ENGLISH };
let latestRequest = 0;

/** The supported language of a BCP 47 tag, matched on its primary subtag (`fr-CA` → `fr`), or undefined. */
export function matchLanguage(tag: string | undefined): Language | undefined {
  const primary = tag?.split(/[-_]/)[0]?.toLowerCase();
  return LANGUAGES.find((language) => language === primary);
}

/** The flow's locale when it is supported, else the first supported browser language, else English. */
export function chooseLanguage(flowLocale: string | undefined, browserLanguages: readonly string[] = []): Language {
  for (const tag of [flowLocale, ...browserLanguages]) {
    const language = matchLanguage(tag);
    if (language) return language;
  }
  return 'en';
}

export function textDirection(language: Language): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

/** Sets `lang` and `dir` on an element, so that screen readers pick the voice and the layout mirrors for right-to-left. */
export function markLanguage(element: HTMLElement, language: Language): void {
  element.lang = language;
  element.dir = textDirection(language);
}

/** Fetches a table (once); a failed fetch is forgotten so that a later call can try again. */
export function loadTranslation(language: Language): Promise<LanguageTables> {
  let table = tables.get(language);
  if (!table) {
    table = loaders[language as Exclude<Language, 'en'>]().then((module) => ({ words: module.default, serverWords: module.serverWords }));
    table.catch(() => tables.delete(language));
    tables.set(language, table);
  }
  return table;
}

/**
 * Loads the table of a locale (`fr-CA` uses `fr`; an unsupported one English) and
 * makes it current once loaded, so nothing is drawn in a language half loaded.
 * Resolves to the language in use: English when the table could not be fetched,
 * since English words beat no wizard. When calls overlap, the last one wins.
 */
export async function setLanguage(locale: string | undefined): Promise<Language> {
  const request = ++latestRequest;
  const wanted = matchLanguage(locale) ?? 'en';
  const chosen = await loadTranslation(wanted).then(
    (tables) => ({ language: wanted, ...tables }),
    () => ({ language: 'en' as const, ...ENGLISH }),
  );
  if (request === latestRequest) current = chosen;
  return current.language;
}

/** The language `t()` speaks now. */
export function currentLanguage(): Language {
  return current.language;
}

export function t(key: TranslationKey, params?: TranslationParams): string {
  return fill(current.words[key] ?? en[key], params);
}

/**
 * A text the server wrote, in the current language when its key is known here;
 * else the server's own (English) text, which beats a blank or a key.
 */
export function tServer(text: string, ref: MessageRef | undefined): string {
  const template = ref && current.serverWords && Object.hasOwn(current.serverWords, ref.key) ? current.serverWords[ref.key as keyof ServerWordTable] : undefined;
  return template === undefined ? text : fill(template, ref?.params);
}

function fill(template: string, params: TranslationParams | undefined): string {
  if (!params) return template;
  // In right-to-left text a Latin name ("Demo bank") is isolated (FSI…PDI), so its own direction cannot reorder the sentence around it.
  const [open, close] = textDirection(current.language) === 'rtl' ? ['\u2068', '\u2069'] : ['', ''];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? `${open}${String(params[name])}${close}` : match));
}

/** Picks `<base>.<category>` by the language's plural rules (Arabic: zero, one, two, few, many) and fills `{count}`. */
export function tPlural(base: PluralBase, count: number): string {
  const category = new Intl.PluralRules(current.language).select(count);
  const key = `${base}.${category}`;
  const chosen = (key in current.words ? key : `${base}.other`) as TranslationKey;
  return t(chosen, { count });
}
