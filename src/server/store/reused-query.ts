import type { Compilable, CompiledQuery, Insertable, Kysely, QueryResult } from 'kysely';

/**
 * Kysely builds and compiles a query anew on every call: about 13 µs for a link's insert, paid
 * again on every request. The hot queries run through here instead: each is built and compiled
 * once per database with placeholders in place of its values, and every later run only
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

/**
 * Shapes are kept per dialect instance (its adapter), so a transaction, whose handle is new each
 * time, reuses the shapes of the database it runs on; plugins change the compiled form, so they
 * are part of the key.
 */
const shapesByDialect = new WeakMap<object, Map<string, Shape>>();
const pluginIds = new WeakMap<object, number>();
let pluginsSeen = 0;

function shapesKey<DB>(db: Kysely<DB>, name: string): { shapes: Map<string, Shape>; key: string } {
  const executor = db.getExecutor();
  let shapes = shapesByDialect.get(executor.adapter);
  if (!shapes) shapesByDialect.set(executor.adapter, (shapes = new Map()));
  if (executor.plugins.length === 0) return { shapes, key: name };
  const plugins = executor.plugins.map((plugin) => {
    let id = pluginIds.get(plugin);
    if (id === undefined) pluginIds.set(plugin, (id = ++pluginsSeen));
    return id;
  });
  return { shapes, key: `${plugins.join(',')}|${name}` };
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

function shapeOf<DB, P extends Record<string, unknown>>(db: Kysely<DB>, name: string, params: P, build: (db: Kysely<DB>, params: P) => Compilable<unknown>): Shape {
  const { shapes, key } = shapesKey(db, name);
  let shape = shapes.get(key);
  if (shape) return shape;
  const placeholders = Object.fromEntries(Object.keys(params).map((key) => [key, { [PLACEHOLDER]: key }])) as unknown as P;
  const compiled = build(db, placeholders).compile();
  const slots = compiled.parameters.map((value) => (isPlaceholder(value) ? value[PLACEHOLDER] : undefined));
  const missing = Object.keys(params).filter((key) => !slots.includes(key));
  // A value used inside an expression or a list never reaches the parameters as itself.
  if (missing.length > 0) throw new Error(`reused query ${name}: ${missing.join(', ')} must be used as plain values`);
  shapes.set(key, (shape = { compiled, slots }));
  return shape;
}

/**
 * Runs the query `build` makes with `params`, compiled once per database (and plugins) under `name`.
 * `build` must use each of `params` as a plain value (`where(column, '=', value)`, an inserted
 * column), and the query's shape must not depend on the values: `name` stands for one shape.
 */
export async function runReused<DB, P extends Record<string, unknown>, Row>(db: Kysely<DB>, name: string, params: P, build: (db: Kysely<NoInfer<DB>>, params: P) => Compilable<Row>): Promise<QueryResult<Row>> {
  const { compiled, slots } = shapeOf(db, name, params, build);
  const parameters = slots.map((slot, index) => (slot === undefined ? compiled.parameters[index] : params[slot]));
  return db.executeQuery<Row>({ ...compiled, parameters } as CompiledQuery<Row>);
}

/** Inserts one row, compiled once per table and set of columns. */
export function insertReused<DB, T extends keyof DB & string>(db: Kysely<DB>, table: T, row: Insertable<DB[T]>): Promise<QueryResult<unknown>> {
  const values = row as Record<string, unknown>;
  return runReused(db, `insert ${table} (${Object.keys(values).join(', ')})`, values, (handle, placeholders) => handle.insertInto(table).values(placeholders as never));
}
