import type { Field } from '../../protocol/step.js';
import { t } from '../i18n/localize.js';

export type CredentialErrors = (typeof import('../../protocol/credentials.js'))['credentialErrors'];

let loading: Promise<CredentialErrors> | undefined;

/**
 * The server's own rules for credential values (`credentialErrors` from the protocol), so the
 * form refuses exactly what the server would. They are built on zod/mini, which is loaded as a
 * separate chunk the first time a credentials step appears: a flow that never shows one (OAuth,
 * QR) never downloads it. A failed load is forgotten so the next call tries again.
 */
export function loadCredentialRules(): Promise<CredentialErrors> {
  loading ??= import('../../protocol/credentials.js').then(
    (module) => module.credentialErrors,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The codes `credentialErrors` answers with; the server's own check sends them as a field's error. */
export const RULE_CODES: ReadonlySet<string> = new Set(['required', 'too_short', 'too_long', 'pattern', 'email', 'number', 'option']);

/** The words for a rule the value broke (a code from `credentialErrors`: `required`, `too_short`, …). */
export function ruleMessage(rule: string, field: Field): string {
  switch (rule) {
    case 'required':
      return t('validation.required');
    case 'too_short':
      return t('validation.tooShort', { min: field.minLength ?? 0 });
    case 'too_long':
      return t('validation.tooLong', { max: field.maxLength ?? 0 });
    case 'email':
      return t('validation.email');
    case 'number':
      return t('validation.number');
    case 'option':
      return t('validation.option');
    default:
      return t('validation.pattern');
  }
}

/**
 * What the form sends: every required field, and optional fields the user filled. An empty
 * optional field is left out rather than sent as '', which its length rules would refuse.
 */
export function credentialValues(fields: readonly Field[], read: (name: string) => string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = read(field.name);
    if (field.required || value !== '') values[field.name] = value;
  }
  return values;
}
