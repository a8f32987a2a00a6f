import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SERVER_WORDS, type MessageRef, type ServerWordKey } from '../../protocol/index.js';
import { ApiError } from '../errors.js';

export type WordParams = Record<string, string | number>;

/** A key, or a key with the values its text names. */
export type WordSpec = ServerWordKey | readonly [ServerWordKey, WordParams];

/** A key's English text with its parameters filled in. */
export function english(key: ServerWordKey, params?: WordParams): string {
  const template: string = SERVER_WORDS[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export function messageRef(key: ServerWordKey, params?: WordParams): MessageRef {
  return params ? { key, params } : { key };
}

/** A text's English wording and its key. */
export function resolve(spec: WordSpec): { text: string; ref: MessageRef } {
  const [key, params] = typeof spec === 'string' ? [spec, undefined] : spec;
  return { text: english(key, params), ref: messageRef(key, params) };
}

/**
 * An object's texts in English with their keys beside them, to spread into a field or a step:
 * `texts({ label: 'field.password.label' })` gives `{ label: 'Password', i18n: { label: { key } } }`.
 */
export function texts<K extends string>(spec: Record<K, WordSpec>): Record<K, string> & { i18n: Partial<Record<K, MessageRef>> } {
  const english = {} as Record<K, string>;
  const i18n: Partial<Record<K, MessageRef>> = {};
  for (const name of Object.keys(spec) as K[]) {
    const { text, ref } = resolve(spec[name]);
    english[name] = text;
    i18n[name] = ref;
  }
  return { ...english, i18n };
}

/** Errors by field name, in English and as keys, for an adapter's retry. */
export function fieldErrors(spec: Record<string, WordSpec>): { errors: Record<string, string>; errorKeys: Record<string, MessageRef> } {
  const errors: Record<string, string> = {};
  const errorKeys: Record<string, MessageRef> = {};
  for (const [name, word] of Object.entries(spec)) {
    const { text, ref } = resolve(word);
    errors[name] = text;
    errorKeys[name] = ref;
  }
  return { errors, errorKeys };
}

/** An error a user may read (the wizard shows 422 and 429 answers), in English with its key. */
export function keyedError(status: ContentfulStatusCode, code: string, spec: WordSpec, options: { details?: unknown; retryAfterSeconds?: number } = {}): ApiError {
  const { text, ref } = resolve(spec);
  return new ApiError(status, code, text, options.details, options.retryAfterSeconds, ref);
}
