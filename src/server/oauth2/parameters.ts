import type { Context } from 'hono';
import * as z from 'zod/mini';
import { InvalidRequest } from './errors.js';

export type OAuthParameters = Readonly<Record<string, string>>;

/** Seed 001's clients send JSON; standard OAuth clients send a form. Either way: a flat map of strings. */
const JsonParameters = z.record(z.string(), z.union([z.string(), z.null()]));

/**
 * Reads an OAuth request body (`application/x-www-form-urlencoded` or JSON). A parameter given
 * twice is refused (RFC 6749 §3.2), and one without a value counts as absent (§3.1).
 */
export async function readOAuthParameters(c: Context): Promise<OAuthParameters> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  const parameters: Record<string, string> = {};
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    for (const [name, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(parameters, name)) throw new InvalidRequest(`The parameter ${name} is given more than once.`, 'duplicate_parameter');
      if (value !== '') parameters[name] = value;
    }
    return parameters;
  }
  if (/^application\/json\b/i.test(type)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidRequest('The body is not valid JSON.', 'invalid_json');
    }
    const parsed = z.safeParse(JsonParameters, value);
    if (!parsed.success) throw new InvalidRequest('The body must be an object whose values are strings.', 'invalid_parameters');
    for (const [name, entry] of Object.entries(parsed.data)) if (entry !== null && entry !== '') parameters[name] = entry;
    return parameters;
  }
  throw new InvalidRequest('Send the parameters as application/x-www-form-urlencoded or application/json.', 'unsupported_media_type');
}

/** Only `names` survive: a grant never sees what is not its own (node-oidc-provider's parameter sets). */
export function pick<const Names extends readonly string[]>(parameters: OAuthParameters, names: Names): Partial<Record<Names[number], string>> {
  const picked: Partial<Record<string, string>> = {};
  for (const name of names) if (parameters[name] !== undefined) picked[name] = parameters[name];
  return picked as Partial<Record<Names[number], string>>;
}

export function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new InvalidRequest(`The parameter ${name} is required.`, 'missing_parameter');
  return value;
}
