import * as z from 'zod/mini';
import type { Field } from './step.js';

/**
 * The rules a credentials step's fields impose on their values. The server enforces them and the
 * wizard checks the same rules before it submits.
 */
export function credentialValuesSchema(fields: readonly Field[]) {
  const shape: Record<string, z.ZodMiniType<string | undefined>> = {};
  for (const field of fields) {
    const checks: z.core.$ZodCheck<string>[] = [];
    if (field.required) checks.push(z.minLength(1, 'required'));
    if (field.minLength !== undefined) checks.push(z.minLength(field.minLength, 'too_short'));
    if (field.maxLength !== undefined) checks.push(z.maxLength(field.maxLength, 'too_long'));
    if (field.pattern !== undefined) {
      const pattern = new RegExp(`^(?:${field.pattern})$`);
      checks.push(z.refine((value: string) => value === '' || pattern.test(value), 'pattern'));
    }
    if (field.type === 'email') checks.push(z.refine((value: string) => value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), 'email'));
    if (field.type === 'number') checks.push(z.refine((value: string) => value === '' || /^-?[0-9]+(\.[0-9]+)?$/.test(value), 'number'));
    if (field.options) {
      const allowed = new Set(field.options.map((option) => option.value));
      checks.push(z.refine((value: string) => value === '' || allowed.has(value), 'option'));
    }
    const value = z.string().check(...checks);
    shape[field.name] = field.required ? value : z.optional(value);
  }
  return z.strictObject(shape);
}

/** Steps of one provider show the same fields each time; building their schema once saves most of a submission's checking. */
const SCHEMAS_KEPT = 64;
const schemasByFields = new Map<string, ReturnType<typeof credentialValuesSchema>>();

function schemaFor(fields: readonly Field[]): ReturnType<typeof credentialValuesSchema> {
  const key = JSON.stringify(fields);
  let schema = schemasByFields.get(key);
  if (!schema) {
    if (schemasByFields.size >= SCHEMAS_KEPT) schemasByFields.clear();
    schemasByFields.set(key, (schema = credentialValuesSchema(fields)));
  }
  return schema;
}

/** Field name → rule that failed (`required`, `too_short`, `pattern`, …), or an empty object. */
export function credentialErrors(fields: readonly Field[], values: Record<string, string>): Record<string, string> {
  const result = z.safeParse(schemaFor(fields), values);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = issue.path[0];
    if (typeof name === 'string' && !(name in errors)) errors[name] = issue.code === 'invalid_type' ? 'required' : issue.message;
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors[key] = 'unknown_field';
  }
  return errors;
}
