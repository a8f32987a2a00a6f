import type { Compilable, CompiledQuery, Insertable, Kysely, QueryResult } from 'kysely';

/**
 * Kysely builds and compiles a query anew on every call: about 13 µs for a link's insert, paid
 * again on every request. The hot queries run through here instead: each is built and compiled
 * once per database handle with placeholders in place of its values, and every later run only
 * swaps the values in. The SQL text stays the same, so the SQLite statement cache keeps its
 * prepared statement too.
 */

const PLACEHOLDER = Symbol('placeholder');
type Placeholder = { readonly [PLACEHOLDER]: string };

interface Shape {
  compiled: CompiledQuery;
  /** Per compiled parameter: the name of the value it takes, or undefined for a constant of the query. */
  slots: (string | undefined)[];
}

const shapesByDatabase = new WeakMap<object, Map<string, Shape>>();

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

function shapeOf<DB, P extends Record<string, unknown>>(db: Kysely<DB>, name: string, params: P, build: (db: Kysely<DB>, params: P) => Compilable<unknown>): Shape {
  let shapes = shapesByDatabase.get(db);
  if (!shapes) shapesByDatabase.set(db, (shapes = new Map()));
  let shape = shapes.get(name);
  if (shape) return shape;
  const placeholders = Object.fromEntries(Object.keys(params).map((key) => [key, { [PLACEHOLDER]: key }])) as unknown as P;
  const compiled = build(db, placeholders).compile();
  const slots = compiled.parameters.map((value) => (isPlaceholder(value) ? value[PLACEHOLDER] : undefined));
  const missing = Object.keys(params).filter((key) => !slots.includes(key));
  // A value used inside an expression or a list never reaches the parameters as itself.
  if (missing.length > 0) throw new Error(`reused query ${name}: ${missing.join(', ')} must be used as plain values`);
  shapes.set(name, (shape = { compiled, slots }));
  return shape;
}

/**
 * Runs the query `build` makes with `params`, compiled once per database handle under `name`.
 * `build` must use each of `params` as a plain value (`where(column, '=', value)`, an inserted
 * column), and the query's shape must not depend on the values: `name` stands for one shape.
 */
export async function runReused<DB, P extends Record<string, unknown>, Row>(db: Kysely<DB>, name: string, params: P, build: (db: Kysely<DB>, params: P) => Compilable<Row>): Promise<QueryResult<Row>> {
  const { compiled, slots } = shapeOf(db, name, params, build);
  const parameters = slots.map((slot, index) => (slot === undefined ? compiled.parameters[index] : params[slot]));
  return db.executeQuery<Row>({ ...compiled, parameters } as CompiledQuery<Row>);
}

/** Inserts one row, compiled once per table and set of columns. */
export function insertReused<DB, T extends keyof DB & string>(db: Kysely<DB>, table: T, row: Insertable<DB[T]>): Promise<QueryResult<unknown>> {
  const values = row as Record<string, unknown>;
  return runReused(db, `insert ${table} (${Object.keys(values).join(', ')})`, values, (handle, placeholders) => handle.insertInto(table).values(placeholders as never));
}
