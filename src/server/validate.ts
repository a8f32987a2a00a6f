import type { Context } from 'hono';
import * as z from 'zod/mini';
import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON body and parses it with a protocol schema; any mismatch is a 4xx that names the fields. */
export async function parseJsonBody<T extends z.ZodMiniType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', 'The body is larger than 64 KB.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  return parseWith(schema, value);
}

/**
 * Reads an HTML form (url-encoded or multipart) and parses it with a schema. A body that does
 * not parse as the form its content type claims is the client's mistake: 400, never a 500.
 */
export async function parseFormBody<T extends z.ZodMiniType>(c: Context, schema: T, invalid: ApiError): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) throw invalid;
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw invalid;
  }
  const result = z.safeParse(schema, form);
  if (!result.success) throw invalid;
  return result.data;
}

export function parseWith<T extends z.ZodMiniType>(schema: T, value: unknown): z.infer<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  throw new ApiError(422, 'invalid_request', `The request is not valid: ${summary}`, { issues });
}
