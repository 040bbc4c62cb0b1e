/**
 * What a queryset shows of itself and what it is: `String(qs.query)` and `qs.toSql()` give the SQL with its
 * parameters (Django's `str(qs.query)`); a chained queryset is no manager; FieldErrors name the call as
 * written, `Pizza.aobjects.filter()` included; bulkUpdate() honours batchSize.
 */
import { captureQueries, FieldError, Manager, QuerySet } from '../../../src';
import { inlineParameters } from '../../../src/sql/sql-text';
import { Item } from '../../inventory';
import { Box, Pizza, Price } from '../../models';
import { clearTables, useDatabase } from './helpers';
import { sqliteOnlyTest } from '../test-database';

useDatabase();
beforeEach(() => clearTables(Item));

function fieldError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof FieldError) return error;
    throw error;
  }
  throw new Error('expected a FieldError');
}

describe('String(qs.query) and qs.toSql()', () => {
  test('String(qs.query) is the SELECT with its parameters written in', () => {
    const text = String(Item.objects.filter({ name: "O'Brien", quantity__gt: 3 }).query);
    expect(text).toMatch(/^SELECT /);
    expect(text).toMatch(/"name" = 'O''Brien'/);
    expect(text).toMatch(/"quantity" > 3/);
    expect(text).not.toMatch(/\?/);
    expect(text).not.toMatch(/object Object/);
  });

  sqliteOnlyTest('qs.toSql() has sql and params, and prints as String(qs.query) (SQLite SQL text)', () => {
    const qs = Item.objects.filter({ name__startswith: 'ab', tag: null }).orderBy('-name');
    const compiled = qs.toSql();
    expect(compiled.sql).toMatch(/\?/);
    expect(compiled.params).toContain('ab*'); // startswith is case-sensitive: GLOB
    expect(String(compiled)).toBe(String(qs.query));
    expect(`${compiled}`).toMatch(/GLOB 'ab\*'/);
  });

  test('the printed SQL runs and selects what the queryset selects', () => {
    Item.objects.create({ name: 'kept', quantity: 5 });
    Item.objects.create({ name: 'other', quantity: 1 });
    const qs = Item.objects.filter({ quantity__gte: 2 });
    const ids = Item.objects.raw(String(qs.query)).map((item) => item.name);
    expect(ids).toEqual(qs.valuesList('name', { flat: true }).eval());
  });

  sqliteOnlyTest('placeholders inside quoted text stay; blobs, null and bigints become literals (SQLite SQL text)', () => {
    expect(inlineParameters(`SELECT '?', "a?" , ? , ?, ?, ?`, [Buffer.from([1, 255]), null, 2n ** 60n, 'x'])).toBe(
      `SELECT '?', "a?" , X'01ff' , NULL, 1152921504606846976, 'x'`,
    );
  });
});

describe('querysets are not managers', () => {
  test('a filtered queryset is a QuerySet without raw(); the manager keeps raw()', () => {
    const qs = Item.objects.filter({ name: 'x' });
    expect(Item.objects).toBeInstanceOf(Manager);
    expect(qs).toBeInstanceOf(QuerySet);
    expect(qs).not.toBeInstanceOf(Manager);
    expect((qs as unknown as { raw?: unknown }).raw).toBeUndefined();
    expect(Item.objects.all()).not.toBeInstanceOf(Manager);
  });

  test('a chain on a related manager has no add(), and keeps the relation filter and the call names', () => {
    const box = Box.objects.create({ name: 'chained' });
    try {
      const chained = box.pizzaSet.filter({ name__startswith: 'M' });
      expect((chained as unknown as { add?: unknown }).add).toBeUndefined();
      expect(String(chained.query)).toMatch(new RegExp(`"box_id" = ${box.pk}`));
      // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
      expect(fieldError(() => chained.filter({ nmae: 'x' })).message).toMatch(/^Box\.pizzaSet\.filter\(\): cannot resolve 'nmae': /);
    } finally {
      box.delete();
    }
  });
});

describe('FieldError messages', () => {
  test("an unknown name alone is not repeated as \"'nmae' in 'nmae'\"", () => {
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    const message = fieldError(() => Pizza.objects.filter({ nmae: 'x' })).message;
    expect(message).toMatch(/^Pizza\.objects\.filter\(\): cannot resolve 'nmae': Pizza has no field 'nmae'\. Choices are: /);
    expect(message).not.toMatch(/in 'nmae'/);
  });

  test('a name inside a longer key names the key', () => {
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(fieldError(() => Pizza.objects.filter({ box__nmae: 'x' })).message).toMatch(/cannot resolve 'nmae' in 'box__nmae'/);
  });

  test('chaining on aobjects names Pizza.aobjects, at every step', () => {
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(fieldError(() => Pizza.aobjects.filter({ nmae: 'x' })).message).toMatch(/^Pizza\.aobjects\.filter\(\): cannot resolve 'nmae'/);
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(fieldError(() => Pizza.aobjects.all().orderBy('nope')).message).toMatch(/^Pizza\.aobjects\.orderBy\(\): cannot resolve 'nope'/);
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(fieldError(() => Pizza.objects.filter({ nmae: 'x' })).message).toMatch(/^Pizza\.objects\.filter\(\)/);
  });
});

describe('bulkUpdate() batchSize', () => {
  const updates = (fn: () => unknown) => captureQueries(fn).filter(({ sql }) => sql.startsWith('UPDATE'));

  test('runs one UPDATE per batch and updates every row', () => {
    const items = Item.objects.bulkCreate(Array.from({ length: 10 }, (_, i) => new Item({ name: `i${i}` })));
    items.forEach((item, i) => {
      item.quantity = i * 10;
      item.tag = `t${i}`;
    });
    const statements = updates(() => expect(Item.objects.bulkUpdate(items, ['quantity', 'tag'], { batchSize: 3 })).toBe(10));
    expect(statements).toHaveLength(4);
    expect(Item.objects.orderBy('name').valuesList('quantity', 'tag').eval()).toEqual(items.map((_, i) => [i * 10, `t${i}`]));
  });

  test('without batchSize, 250 rows go in batches of 100', () => {
    const items = Item.objects.bulkCreate(Array.from({ length: 250 }, (_, i) => new Item({ name: `n${i}` })));
    for (const item of items) item.quantity = 7;
    expect(updates(() => Item.objects.bulkUpdate(items, ['quantity']))).toHaveLength(3);
    expect(Item.objects.filter({ quantity: 7 }).count()).toBe(250);
  });

  test('a batchSize that is not a positive integer, or exceeds the parameter limit, is a TypeError', () => {
    const [item] = Item.objects.bulkCreate([new Item({ name: 'b' })]);
    expect(() => Item.objects.bulkUpdate([item!], ['quantity'], { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => Item.objects.bulkUpdate([item!], ['quantity'], { batchSize: 20_000 })).toThrow(/at most 16383/);
  });
});

describe('joins shared by a filter and selectRelated over a reverse one-to-one', () => {
  test('Price filtered on its pizza and selecting it joins the pizza table once', () => {
    const queryset = Price.objects.filter({ pizza__name: 'Margherita' }).selectRelated('pizza');
    expect(String(queryset.query).split('JOIN').length - 1).toBe(1);
    const price = Price.objects.create({ amount: '9.50' });
    Pizza.objects.create({ name: 'Margherita', price });
    const [found] = queryset.eval();
    expect(captureQueries(() => expect(found!.pizza.name).toBe('Margherita'))).toHaveLength(0);
    clearTables(Pizza, Price);
  });
});
