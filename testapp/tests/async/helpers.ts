/**
 * Shared fixtures for the async-layer tests: a deterministic pizzeria + polls data set, a reset that
 * also restarts AUTOINCREMENT counters (so two runs of a write produce the same keys), a snapshot of
 * every table, and a normaliser that turns results (instances, Maps, errors) into comparable data.
 */
import { getConnection } from '../../../src/db/connections';
import { Model } from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';

export const MODELS = [require.resolve('../../models'), require.resolve('../../asyncmodels')];

/** Tables of the current schema (without the database's own). */
function tables(): string[] {
  const connection = getConnection('test reset');
  return connection.backend.introspection(connection).tableNames();
}

/** Empties every table and restarts the automatic key counters (main-thread connection). */
export function resetDatabase(): void {
  const connection = getConnection('test reset');
  if (connection.backend.vendor === 'postgresql') {
    connection.exec(`TRUNCATE ${tables().map((table) => `"${table}"`).join(', ')} RESTART IDENTITY CASCADE`);
    return;
  }
  connection.run('PRAGMA foreign_keys = OFF');
  for (const table of tables()) connection.run(`DELETE FROM "${table}"`);
  connection.run("DELETE FROM sqlite_sequence");
  connection.run('PRAGMA foreign_keys = ON');
}

/** Every row of every table, in insertion order (SQLite's rowid; on PostgreSQL every column, first the key): what a write did. */
export function snapshot(): Record<string, unknown[][]> {
  const connection = getConnection('test snapshot');
  const order = connection.backend.vendor === 'postgresql' ? '1' : 'rowid';
  return Object.fromEntries(tables().map((table) => [table, connection.selectRows(`SELECT * FROM "${table}" ORDER BY ${order}`, [])]));
}

/** The standard data set, written through the sync API. */
export function seed(): void {
  const toppings = Object.fromEntries(
    [
      ['cheese', true],
      ['ham', false],
      ['mushroom', true],
      ['olive', true],
      ['pepperoni', false],
    ].map(([name, vegetarian]) => [name as string, Topping.objects.create({ name: name as string, vegetarian: vegetarian as boolean })]),
  );
  const small = Box.objects.create({ name: 'small' });
  const large = Box.objects.create({ name: 'large' });
  const extra = Box.objects.create({ name: 'extra large' });
  Box.objects.create({ name: 'empty' });
  const pizzas: Array<[string, Box | null, string, string[]]> = [
    ['Margherita', small, '8.50', ['cheese']],
    ['Marinara', null, '7.75', ['olive']],
    ['Funghi', large, '9.00', ['cheese', 'mushroom']],
    ['Hawaii', large, '10.25', ['cheese', 'ham']],
    ['Diavola', extra, '12.00', ['cheese', 'pepperoni', 'olive']],
  ];
  for (const [name, box, amount, names] of pizzas) {
    const price = Price.objects.create({ amount });
    const pizza = Pizza.objects.create({ name, box, price });
    pizza.toppings.add(...names.map((topping) => toppings[topping]!));
  }
  Price.objects.create({ amount: '15.00', currency: 'eur' }); // no pizza: a missing reverse one-to-one
  const questions: Array<[string, string, Array<[string, number]>]> = [
    ["What's new?", '2024-03-01T10:00:00.000Z', [['Not much', 3], ['The sky', 5]]],
    ['Best pizza?', '2023-12-24T18:30:00.000Z', [['Margherita', 10], ['Diavola', 7], ['Hawaii', 0]]],
    ['Favourite topping?', '2024-06-15T08:00:00.000Z', [['cheese', 4]]],
  ];
  for (const [questionText, pubDate, choices] of questions) {
    const question = Question.objects.create({ questionText, pubDate: new Date(pubDate) });
    for (const [choiceText, votes] of choices) Choice.objects.create({ question, choiceText, votes });
  }
}

export function resetAndSeed(): void {
  resetDatabase();
  seed();
}

/**
 * Comparable form of a result: instances become { model, fields, extra attributes, relation caches },
 * Maps become entry lists, errors become { error class, message }. Instances must be real model
 * instances of the right class on both sides (checked by carrying the class itself).
 */
export function norm(value: unknown, path: Set<Model> = new Set()): unknown {
  if (value instanceof Model) {
    // Relation caches may point back (a prefetched box.pizzaSet whose pizzas cache their box).
    if (path.has(value)) return { back: value.constructor, pk: value.pk };
    path = new Set(path).add(value);
    const model = value.constructor as typeof Model & { _meta: { concreteFields: Array<{ attname: string }> } };
    const attnames = new Set(model._meta.concreteFields.map((field) => field.attname));
    const record = value as unknown as Record<string, unknown>;
    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(record)) if (key !== '_state' && !attnames.has(key)) extra[key] = norm(record[key], path);
    return {
      model,
      fields: norm(value.toJSON()),
      extra,
      adding: value._state.adding,
      related: norm(value._state.related, path),
      prefetched: norm(value._state.prefetched, path),
    };
  }
  if (value instanceof Error) {
    const extra: Record<string, unknown> = {};
    if ('errors' in value) extra.errors = (value as { errors: unknown }).errors;
    return { error: value.constructor, message: sameCallName(value.message), ...extra };
  }
  if (value instanceof Map) return { map: [...value].map((entry) => norm(entry, path)) };
  if (Array.isArray(value)) return value.map((item) => norm(item, path));
  if (value instanceof Date) return { date: value.toISOString() };
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, norm(item, path)]));
  }
  return value;
}

/** Errors of aobjects chains name `Pizza.aobjects.filter()`; otherwise they read as the sync API's. */
export function sameCallName(message: string): string {
  return message.replace(/\.aobjects\./g, '.objects.');
}

/** The result of a call as data: its value, or the error it threw / rejected with. */
export async function outcome(fn: () => unknown): Promise<unknown> {
  try {
    return { ok: norm(await fn()) };
  } catch (error) {
    return { threw: norm(error) };
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the call succeeded');
}

/** The error a sync call throws (fails the test when it returns). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an exception, but the call returned');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
