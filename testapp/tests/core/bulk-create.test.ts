/**
 * bulkCreate() writes rows in multi-row INSERTs: batches of at most `batchSize` rows (64 by default), the rest
 * of a batch in statements of powers of two, so a model keeps a few statements; runs of objects with and without
 * an automatic key keep their order; keys come back for every row; a failure changes no object.
 */
import { captureQueries, IntegrityError, ValidationError } from '../../../src';
import { currentOperations } from '../../../src/sql/backend';
import { cachedPlanCount } from '../../../src/sql/plan-cache';
import { Coupon, Item, Shelf } from '../../inventory';
import { OuterA } from '../../semantics';
import { clearTables, MODEL_MODULES, useDatabase } from './helpers';

useDatabase({ models: [...MODEL_MODULES, require.resolve('../../semantics')] });

beforeEach(() => clearTables(Item, Shelf, Coupon, OuterA));

/** The INSERTs `fn` runs into `table`, as the number of rows each one writes. */
function insertedRows(table: string, width: number, fn: () => unknown): number[] {
  return captureQueries(fn)
    .filter(({ sql }) => sql.startsWith('INSERT') && sql.includes(`"${table}"`))
    .map(({ params }) => params.length / width);
}

const items = (count: number, prefix = 'n') => Array.from({ length: count }, (_, i) => new Item({ name: `${prefix}${i}`, quantity: i }));
/** Columns an Item INSERT binds: every concrete field but the automatic key. */
const itemWidth = () => Item._meta.concreteFields.length - 1;

test('rows go 64 to a statement, the rest in powers of two, and every object gets its key', () => {
  const objects = items(150);
  expect(insertedRows(Item._meta.dbTable, itemWidth(), () => Item.objects.bulkCreate(objects))).toEqual([64, 64, 16, 4, 2]);
  const keys = objects.map((item) => item.pk);
  for (const key of keys) expect(key).toEqual(expect.any(Number));
  expect(new Set(keys).size).toBe(150);
  expect(objects.every((item) => !item._state.adding)).toBe(true);
  // Each key is the key of that object's row.
  const stored = new Map(Item.objects.valuesList('pk', 'name', 'quantity').eval().map(([pk, name, quantity]) => [pk, [name, quantity]]));
  expect(objects.map((item) => stored.get(item.pk))).toEqual(objects.map((item, i) => [`n${i}`, i]));
});

test('batchSize bounds the rows of each statement', () => {
  const objects = items(25);
  expect(insertedRows(Item._meta.dbTable, itemWidth(), () => Item.objects.bulkCreate(objects, { batchSize: 10 }))).toEqual([10, 10, 4, 1]);
  expect(Item.objects.orderBy('quantity').valuesList('name', { flat: true }).eval()).toEqual(objects.map((item) => item.name));
  expect(() => Item.objects.bulkCreate(items(1), { batchSize: 1.5 })).toThrow(/Item.objects.bulkCreate\(\): batchSize must be a positive integer/);
});

test('objects with and without an automatic key go in runs, in their order', () => {
  const shelves = [
    new Shelf({ aisle: 'A', position: 1 }),
    new Shelf({ aisle: 'B', position: 2 }),
    new Shelf({ number: 500, aisle: 'C', position: 3 }),
    new Shelf({ aisle: 'D', position: 4 }),
  ];
  const queries = captureQueries(() => Shelf.objects.bulkCreate(shelves)).filter(({ sql }) => sql.startsWith('INSERT'));
  const width = Shelf._meta.concreteFields.length - 1;
  // Two rows without a key, the one with its key, the last one without.
  expect(queries.map(({ params }) => params.length)).toEqual([2 * width, width + 1, width]);
  expect(shelves[2]!.number).toBe(500);
  expect(new Set(shelves.map((shelf) => shelf.number)).size).toBe(4);
  for (const shelf of shelves) expect(Shelf.objects.get({ number: shelf.number }).aisle).toBe(shelf.aisle);
});

test('a primary key that is not automatic is written as given, in one statement', () => {
  const coupons = ['A1', 'B2', 'C3'].map((code, i) => new Coupon({ code, percent: i * 5 }));
  expect(insertedRows(Coupon._meta.dbTable, 2, () => Coupon.objects.bulkCreate(coupons))).toEqual([2, 1]);
  expect(coupons.map((coupon) => coupon.pk)).toEqual(['A1', 'B2', 'C3']);
  expect(coupons.every((coupon) => !coupon._state.adding)).toBe(true);
  expect(Coupon.objects.orderBy('code').valuesList('percent', { flat: true }).eval()).toEqual([0, 5, 10]);
});

test('a model of an automatic key only inserts one row of defaults per statement', () => {
  const objects = [new OuterA(), new OuterA(), new OuterA()];
  expect(captureQueries(() => OuterA.objects.bulkCreate(objects)).filter(({ sql }) => sql.startsWith('INSERT'))).toHaveLength(3);
  expect(new Set(objects.map((object) => object.pk)).size).toBe(3);
  expect(OuterA.objects.count()).toBe(3);
});

test('an invalid object in a later batch changes no object and writes no row', () => {
  const objects = items(130);
  objects[100]!.name = 'x'.repeat(21);
  expect(() => Item.objects.bulkCreate(objects)).toThrow(ValidationError);
  expect(Item.objects.count()).toBe(0);
  expect(objects.every((item) => item.pk === null || item.pk === undefined)).toBe(true);
  expect(objects.every((item) => item._state.adding)).toBe(true);
});

test('a constraint failure in a later statement changes no object and writes no row', () => {
  const objects = items(70);
  objects[3]!.slug = 'same';
  objects[68]!.slug = 'same';
  expect(() => Item.objects.bulkCreate(objects)).toThrow(IntegrityError);
  expect(Item.objects.count()).toBe(0);
  expect(objects.every((item) => (item.pk === null || item.pk === undefined) && item._state.adding)).toBe(true);
});

test('pre-save hooks stamp every object', () => {
  const objects = items(3);
  Item.objects.bulkCreate(objects);
  for (const item of objects) {
    expect(item.createdAt).toBeInstanceOf(Date);
    expect(Item.objects.get({ pk: item.pk }).createdAt.getTime()).toBe(item.createdAt.getTime());
  }
});

test('however many sizes are inserted, a model holds a few INSERT plans', () => {
  const ops = currentOperations();
  Shelf.objects.bulkCreate([new Shelf({ aisle: 'A', position: 0 })]);
  const before = cachedPlanCount(ops, Shelf._meta);
  let position = 0;
  const insertEverySize = () => {
    for (let count = 1; count <= 140; count++) {
      Shelf.objects.bulkCreate(Array.from({ length: count }, () => new Shelf({ aisle: 'B', position: position++ })));
    }
  };
  insertEverySize();
  const after = cachedPlanCount(ops, Shelf._meta);
  // At most 64, 32, 16, 8, 4 and 2 rows beside the single row made first (earlier tests may have made some).
  expect(after - before).toBeLessThanOrEqual(6);
  insertEverySize();
  expect(cachedPlanCount(ops, Shelf._meta)).toBe(after);
  expect(Shelf.objects.filter({ aisle: 'B' }).count()).toBe(140 * 141);
});
