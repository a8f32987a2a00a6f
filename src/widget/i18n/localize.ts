import { en, type Translation, type TranslationKey } from './en.js';

export type TranslationParams = Record<string, string | number>;

/** Tables by primary language subtag; a new language is one import and one line here. */
const translations: Partial<Record<string, Translation>> = { en };

let current: { language: string; table: Translation } = { language: 'en', table: en };

/** Chooses the table for a BCP 47 tag such as `fr-CA`, falling back to English. */
export function setLanguage(locale: string | undefined): void {
  const language = (locale ?? 'en').split('-')[0]!.toLowerCase();
  const table = translations[language];
  current = table ? { language, table } : { language: 'en', table: en };
}

export function t(key: TranslationKey, params?: TranslationParams): string {
  const template = current.table[key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

type PluralBase = TranslationKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

/** Picks `<base>.one` / `<base>.other` by the language's plural rules and fills `{count}`. */
export function tPlural(base: PluralBase, count: number): string {
  const category = new Intl.PluralRules(current.language).select(count);
  const key = `${base}.${category}`;
  const chosen = (key in current.table ? key : `${base}.other`) as TranslationKey;
  return t(chosen, { count });
}
