/**
 * Parity of errors: the same bad input gives the same error class and the same message through
 * Model.objects (sync), Model.aobjects and the Django-style twins (`acreate`, `aget`, `acount`), for every
 * field type of the inventory models; and a call that cannot be carried to a worker fails alone, never
 * the calls batched with it in the same tick.
 *
 * The three outcomes are compared with one another rather than with written-out messages, except where
 * the message must name the key at fault (an `undefined` value).
 */
import { close, configure, createSchema } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { Coupon, Item, Ledger, Shelf } from '../../inventory';
import { norm, sameCallName } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

beforeAll(() => {
  configure({ database: testDatabase(), models: [require.resolve('../../inventory')], workers: 2 });
  createSchema();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

/** Rows of the item table, straight from SQLite (main-thread connection). */
function itemRows(): unknown[][] {
  return getConnection('error parity').selectRows('SELECT "name" FROM "inventory_item" ORDER BY "id"', []);
}

/** The inventory models between them use every scalar field type; each with values that make a valid row. */
interface ModelUnderTest {
  label: string;
  model: { objects: any; aobjects: any; _meta: { dbTable: string }; fields: Record<string, unknown> };
  valid: Record<string, unknown>;
}
const MODELS_UNDER_TEST: ModelUnderTest[] = [
  { label: 'Item', model: Item, valid: { name: 'parity' } },
  { label: 'Shelf', model: Shelf, valid: { aisle: 'A', position: 1 } },
  { label: 'Coupon', model: Coupon, valid: { code: 'PARITY' } },
  { label: 'Ledger', model: Ledger, valid: { balance: '1.00' } },
];

function emptyTables(): void {
  for (const { model } of MODELS_UNDER_TEST) getConnection('error parity').run(`DELETE FROM "${model._meta.dbTable}"`);
}

/** Rows in the tables under test: a failed call must have written none, on any side. */
function rowCount(): number {
  return MODELS_UNDER_TEST.reduce(
    (sum, { model }) => sum + Number(getConnection('error parity').selectRows(`SELECT count(*) FROM "${model._meta.dbTable}"`, [])[0]![0]),
    0,
  );
}

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

/** Values that are never a field value; each is made fresh per call, so no side shares an object with another. */
const BAD_VALUES: Record<string, () => unknown> = {
  'a Symbol': () => Symbol('bad'),
  'a function': () => () => 1,
  'an object with toString': () => ({ toString: () => 'looks like text' }),
  undefined: () => undefined,
  NaN: () => NaN,
};

/**
 * Values that are questionable only as a JSONField value: refused by the sync API (a cycle, NaN or
 * Infinity anywhere), or, for a function inside the value, left out as JSON.stringify leaves it out.
 */
const JSON_CASES: Array<{ kind: string; make: () => unknown; refused: boolean }> = [
  { kind: 'a function inside a JSON value', make: () => ({ ok: 1, callback: () => 1 }), refused: false },
  { kind: 'cyclic JSON', make: cyclic, refused: true },
  { kind: 'NaN in JSON', make: () => ({ ratio: NaN }), refused: true },
  { kind: 'Infinity in JSON', make: () => [1, Infinity], refused: true },
  { kind: 'NaN as the JSON value', make: () => NaN, refused: true },
];

const EVERY_FIELD = MODELS_UNDER_TEST.flatMap((subject) => Object.keys(subject.model.fields).map((field) => ({ ...subject, field })));

type Side = 'sync' | 'async' | 'twin';
const SIDES: Side[] = ['sync', 'async', 'twin'];

/**
 * An error as comparable data. Errors of the native driver are made in another realm than the test's
 * (`instanceof Error` is false there), so built-in classes compare by name, threadorm's by identity.
 */
function errorSummary(error: unknown): unknown {
  if (Object.prototype.toString.call(error) !== '[object Error]') return { notAnError: norm(error) };
  const { constructor } = Object.getPrototypeOf(error) as { constructor: { name: string } };
  const builtIn = (globalThis as Record<string, unknown>)[constructor.name] !== undefined && constructor.name.endsWith('Error');
  const errors = (error as { errors?: Record<string, string[]> }).errors;
  // Errors of aobjects chains name the call as written (`Item.aobjects.filter()`); the rest must be the same.
  const sameErrors = errors && Object.fromEntries(Object.entries(errors).map(([key, messages]) => [key, messages.map(sameCallName)]));
  return { error: builtIn ? constructor.name : constructor, message: sameCallName((error as Error).message), ...(sameErrors ? { errors: sameErrors } : {}) };
}

/**
 * What a call did, comparable across the APIs: its error, or 'ok' and, for a read, its value (a created
 * instance carries random and time-stamped fields, so only 'ok'). A call may throw at once (chaining) or reject.
 */
async function summary(fn: () => unknown, keepValue: boolean): Promise<unknown> {
  try {
    const value = await fn();
    return keepValue ? { ok: norm(value) } : 'ok';
  } catch (error) {
    return errorSummary(error);
  }
}

/** Starts a call that may throw at once or reject, as one promise. */
function started<T>(fn: () => Promise<T>): Promise<T> {
  return (async () => fn())();
}

function createThrough(side: Side, values: () => Record<string, unknown>, model: ModelUnderTest['model'] = Item): () => unknown {
  if (side === 'sync') return () => model.objects.create(values());
  if (side === 'async') return () => model.aobjects.create(values());
  return () => model.objects.acreate(values());
}

function countThrough(side: Side, lookups: () => Record<string, unknown>, model: ModelUnderTest['model'] = Item): () => unknown {
  if (side === 'sync') return () => model.objects.filter(lookups()).count();
  if (side === 'async') return () => model.aobjects.filter(lookups()).count();
  return () => model.objects.filter(lookups()).acount();
}

function getThrough(side: Side, lookups: () => Record<string, unknown>, model: ModelUnderTest['model'] = Item): () => unknown {
  if (side === 'sync') return () => model.objects.get(lookups());
  if (side === 'async') return () => model.aobjects.get(lookups());
  return () => model.objects.aget(lookups());
}

function rawThrough(side: Side, params: () => unknown[]): () => unknown {
  const sql = 'SELECT * FROM "inventory_item" WHERE "name" = ?';
  if (side === 'sync') return () => Item.objects.raw(sql, params());
  return () => Item.aobjects.raw(sql, params()); // raw() has no twin
}

/**
 * Runs one case through every API, one at a time on empty tables; returns what each side gave and how
 * many rows it left, so parity covers the effect as well as the error.
 */
async function acrossApis(through: (side: Side) => () => unknown, keepValue: boolean, sides: Side[] = SIDES): Promise<Record<Side, unknown>> {
  const results = {} as Record<Side, unknown>;
  for (const side of sides) {
    emptyTables();
    const result = await summary(through(side), keepValue);
    results[side] = { result, rows: rowCount() };
  }
  emptyTables();
  return results;
}

function expectParity(results: Record<Side, unknown>): void {
  const { sync, ...others } = results;
  for (const [side, result] of Object.entries(others)) expect({ side, result }).toEqual({ side, result: sync });
}

/** The error of the sync side, which must have failed without writing. */
function syncError(results: Record<Side, unknown>): { error: unknown; message: string } {
  const { result, rows } = results.sync as { result: { error?: unknown; message: string }; rows: number };
  expect(result.error).toBeDefined();
  expect(rows).toBe(0);
  return result as { error: unknown; message: string };
}

const cases = (table: Record<string, () => unknown>) =>
  EVERY_FIELD.flatMap((subject) => Object.entries(table).map(([kind, make]) => ({ ...subject, kind, make })));

describe('a bad value in create(): same outcome through objects, aobjects and acreate', () => {
  test.each(cases(BAD_VALUES))('$kind as $field ($label)', async ({ model, valid, label, field, kind, make }) => {
    const values = () => ({ ...valid, [field]: make() });
    const results = await acrossApis((side) => createThrough(side, values, model), false);
    expectParity(results);
    if (kind === 'undefined') {
      const error = syncError(results);
      expect(error.message).toBe(`${label}: ${field}: undefined is not a value; leave the key out for the default, or pass null.`);
    }
  });

  test.each(JSON_CASES)('$kind as the JSONField data', async ({ make, refused }) => {
    const results = await acrossApis((side) => createThrough(side, () => ({ name: 'json', data: make() })), false);
    expectParity(results);
    if (refused) expect(syncError(results).message).toMatch(/^Item: data: /);
  });
});

describe('a bad lookup value: same outcome through objects, aobjects and the twins', () => {
  test.each(cases(BAD_VALUES))('$kind as filter({ $field }).count() ($label)', async ({ model, field, kind, make }) => {
    const results = await acrossApis((side) => countThrough(side, () => ({ [field]: make() }), model), true);
    expectParity(results);
    if (kind === 'undefined') expect(syncError(results).message).toContain(`${field}: undefined is not a lookup value`);
  });

  test.each(EVERY_FIELD)('get({ $field: undefined }) is an error naming the key, not a DoesNotExist ($label)', async ({ model, field }) => {
    const results = await acrossApis((side) => getThrough(side, () => ({ [field]: undefined }), model), true);
    expectParity(results);
    expect(syncError(results).message).toContain(`${field}: undefined is not a lookup value`);
  });

  test.each(JSON_CASES)('$kind as a data lookup', async ({ make }) => {
    expectParity(await acrossApis((side) => countThrough(side, () => ({ data: make() })), true));
  });

  test('a Symbol raw() parameter', async () => {
    const results = await acrossApis((side) => rawThrough(side, () => [Symbol('bad')]), true, ['sync', 'async']);
    expectParity(results);
    syncError(results);
  });
});

describe('a bad call batched with good ones fails alone', () => {
  const BATCHED: Record<string, () => Record<string, unknown>> = {
    'a Symbol value': () => ({ name: Symbol('bad') }),
    'a function value': () => ({ name: 'f', quantity: () => 1 }),
    'an object with toString': () => ({ name: { toString: () => 'x' } }),
    'Infinity inside JSON': () => ({ name: 'j', data: { ratio: Infinity } }),
    'cyclic JSON': () => ({ name: 'c', data: cyclic() }),
    'an undefined value': () => ({ name: 'u', tag: undefined }),
    'NaN in JSON': () => ({ name: 'n', data: NaN }),
  };

  test.each(Object.entries(BATCHED).map(([kind, values]) => ({ kind, values })))('$kind among good creates', async ({ values }) => {
    emptyTables();
    const expected = await summary(() => Item.objects.create(values()), false);
    emptyTables();
    // One tick: the bad call sits between good ones, so it is batched with them.
    const settled = await Promise.allSettled([
      started(() => Item.aobjects.create({ name: 'good 1' })),
      started(() => Item.aobjects.create(values())),
      started(() => Item.aobjects.create({ name: 'good 2' })),
      started(() => Item.objects.acreate({ name: 'good 3' })),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(errorSummary((settled[1] as PromiseRejectedResult).reason)).toEqual(expected);
    // Sorted: with several writers (PostgreSQL) the good creates of one tick commit in no particular order.
    expect(itemRows().map(([name]) => name).sort()).toEqual(['good 1', 'good 2', 'good 3']);
    const keys = settled.filter((result) => result.status === 'fulfilled').map((result) => (result as PromiseFulfilledResult<Item>).value.pk);
    expect(new Set(keys).size).toBe(3);
  });

  test('bad reads among good reads of one tick', async () => {
    emptyTables();
    await Item.aobjects.create({ name: 'present' });
    const sql = 'SELECT * FROM "inventory_item" WHERE "name" = ?';
    const expected = await Promise.all([
      // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
      summary(() => Item.objects.filter({ name: Symbol('bad') }).count(), true),
      summary(() => Item.objects.raw(sql, [Symbol('bad')]), true),
      // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
      summary(() => Item.objects.get({ id: undefined }), true),
    ]);
    const settled = await Promise.allSettled<unknown>([
      started(() => Item.aobjects.count()),
      // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
      started(() => Item.aobjects.filter({ name: Symbol('bad') }).count()),
      started(() => Item.aobjects.raw(sql, ['present'])),
      started(() => Item.aobjects.raw(sql, [Symbol('bad')])),
      started(() => Item.aobjects.get({ name: 'present' })),
      // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
      started(() => Item.aobjects.get({ id: undefined })),
      started(() => Item.objects.filter({ name: 'present' }).acount()),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const values = settled.map((result) => (result.status === 'fulfilled' ? result.value : null));
    expect(values[0]).toBe(1);
    expect((values[2] as Item[]).map((item) => item.name)).toEqual(['present']);
    expect((values[4] as Item).name).toBe('present');
    expect(values[6]).toBe(1);
    const rejected = [settled[1], settled[3], settled[5]].map((result) => errorSummary((result as PromiseRejectedResult).reason));
    expect(rejected).toEqual(expected);
    emptyTables();
  });
});
