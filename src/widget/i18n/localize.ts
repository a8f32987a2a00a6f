import { en, type PluralBase, type Translation, type TranslationKey } from './en.js';

export type TranslationParams = Record<string, string | number>;

/** The languages the wizard speaks, by primary language subtag. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * English is in the initial bundle; every other table is a chunk of its own,
 * fetched the first time it is needed (most pages need one language only).
 * A new language is a table file, one line here and one in `LANGUAGES`.
 */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Translation }>> = {
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  ar: () => import('./ar.js'),
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ar']);

const tables = new Map<Language, Promise<Translation>>([['en', Promise.resolve(en)]]);

let current: { language: Language; table: Translation } = { language: 'en', table: en };
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
export function loadTranslation(language: Language): Promise<Translation> {
  let table = tables.get(language);
  if (!table) {
    table = loaders[language as Exclude<Language, 'en'>]().then((module) => module.default);
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
    (table) => ({ language: wanted, table }),
    () => ({ language: 'en' as const, table: en }),
  );
  if (request === latestRequest) current = chosen;
  return current.language;
}

/** The language `t()` speaks now. */
export function currentLanguage(): Language {
  return current.language;
}

export function t(key: TranslationKey, params?: TranslationParams): string {
  const template = current.table[key] ?? en[key];
  if (!params) return template;
  // In right-to-left text a Latin name ("Demo bank") is isolated (FSI…PDI), so its own direction cannot reorder the sentence around it.
  const [open, close] = textDirection(current.language) === 'rtl' ? ['\u2068', '\u2069'] : ['', ''];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? `${open}${String(params[name])}${close}` : match));
}

/** Picks `<base>.<category>` by the language's plural rules (Arabic: zero, one, two, few, many) and fills `{count}`. */
export function tPlural(base: PluralBase, count: number): string {
  const category = new Intl.PluralRules(current.language).select(count);
  const key = `${base}.${category}`;
  const chosen = (key in current.table ? key : `${base}.other`) as TranslationKey;
  return t(chosen, { count });
}
