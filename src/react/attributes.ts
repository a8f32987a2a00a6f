/** For each camelCase prop of a wrapper, the attribute the element reads it from. */
export type AttributeNames<P> = { readonly [K in keyof Required<P>]: string };

/**
 * Renames the element's own props to its attributes (numbers become strings, `undefined` and `null` are
 * left out); every other prop (children, className, events, `aria-*`…) passes through as it is.
 */
export function asAttributes(props: object, names: Readonly<Record<string, string>>): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!Object.hasOwn(names, key)) rendered[key] = value;
    else if (value !== undefined && value !== null) rendered[names[key] as string] = String(value);
  }
  return rendered;
}

/**
 * The class @lit/react compares props against. The wrappers hand the element attributes only, so it never needs the
 * element's own class (the wizard's comes from the Keyway server and may be defined later, or never during a server
 * render); a DOM's `HTMLElement` keeps standard props such as `hidden` working as properties, and without a DOM a bare
 * class stands in, so importing this module in Node touches no browser global.
 */
export const PlainElement = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;
