import type { Field } from '../../protocol/index.js';
import { t } from '../i18n/localize.js';

/**
 * The browser's constraint check, worded from the translation table rather than
 * the browser's own (differently localised) `validationMessage`.
 * Length is checked by hand too: `tooShort` is only reported for values a user typed.
 */
export function validationMessage(control: HTMLInputElement | HTMLSelectElement, field: Field): string | undefined {
  const { validity } = control;
  const length = control.value.length;
  if (validity.valueMissing) return t('validation.required');
  if (validity.badInput && field.type === 'number') return t('validation.number');
  if (validity.typeMismatch && field.type === 'email') return t('validation.email');
  if (length > 0 && field.minLength !== undefined && length < field.minLength) {
    return t('validation.tooShort', { min: field.minLength });
  }
  if (field.maxLength !== undefined && length > field.maxLength) return t('validation.tooLong', { max: field.maxLength });
  if (validity.patternMismatch) return t('validation.pattern');
  if (!control.checkValidity()) return t('validation.pattern');
  return undefined;
}
