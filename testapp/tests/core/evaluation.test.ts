/**
 * Every sync evaluation method of API.md section 3, on single tables.
 */
import {
  captureQueries,
  Count,
  IntegrityError,
  Max,
  MultipleObjectsReturned,
  ObjectDoesNotExist,
  Sum,
  ValidationError,
} from '../../../src';
import { Question } from '../../models';
import { Item, Shelf } from '../../inventory';
import { clearTables, useDatabase } from './helpers';
import { sqliteOnlyTest } from '../test-database';

useDatabase();

function seed(): Item[] {
  clearTables(Item, Shelf, Question);
  return [
    Item.objects.create({ name: 'apple', quantity: 3, tag: 'red', slug: 'apple', happenedAt: new Date('2024-03-01T00:00:00Z') }),
    Item.objects.create({ name: 'banana', quantity: 1, tag: 'yellow', slug: 'banana', happenedAt: new Date('2024-01-01T00:00:00Z') }),
    Item.objects.create({ name: 'cherry', quantity: 5, tag: 'red', slug: 'cherry', happenedAt: new Date('2024-05-01T00:00:00Z') }),
  ];
}

const allNames = (): string[] => Item.objects.valuesList('name', { flat: true }).eval() as string[];

beforeEach(seed);

describe('reading', () => {
  test('eval() returns model instances of the right class', () => {
    const items = Item.objects.filter({ tag: 'red' }).eval();
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toBeInstanceOf(Item);
    expect(items.map((item) => item.name)).toEqual(['apple', 'cherry']);
    // eval() hands out a copy: changing it does not change the cache
    items.pop();
    const qs = Item.objects.all();
    qs.eval().pop();
    expect(qs.eval()).toHaveLength(3);
  });

  test('a queryset is iterable', () => {
    const seen: string[] = [];
    for (const item of Item.objects.filter({ quantity__gt: 1 })) seen.push(item.name);
    expect(seen).toEqual(['apple', 'cherry']);
    expect([...Item.objects.values('name')]).toEqual([{ name: 'apple' }, { name: 'banana' }, { name: 'cherry' }]);
  });

  test('get() returns the one matching row', () => {
    const item = Item.objects.get({ name: 'banana' });
    expect(item).toBeInstanceOf(Item);
    expect(item.quantity).toBe(1);
    expect(Item.objects.filter({ tag: 'yellow' }).get().name).toBe('banana');
    expect(Item.objects.get({ pk: item.pk }).name).toBe('banana');
  });

  test('get() with no match throws the model DoesNotExist, an ObjectDoesNotExist', () => {
    let caught: unknown;
    try {
      Item.objects.get({ name: 'nope' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Item.DoesNotExist);
    expect(caught).toBeInstanceOf(ObjectDoesNotExist);
    expect(caught).not.toBeInstanceOf(Shelf.DoesNotExist);
    expect((caught as Error).message).toMatch(/Item matching query does not exist/);
  });

  test('get() with several matches throws the model MultipleObjectsReturned', () => {
    let caught: unknown;
    try {
      Item.objects.get({ tag: 'red' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Item.MultipleObjectsReturned);
    expect(caught).toBeInstanceOf(MultipleObjectsReturned);
    expect(caught).not.toBeInstanceOf(ObjectDoesNotExist);
    expect((caught as Error).message).toMatch(/returned 2/);
    expect((caught as Error).message).toMatch(/Item/);
  });

  test('count()', () => {
    expect(Item.objects.count()).toBe(3);
    expect(Item.objects.filter({ tag: 'red' }).count()).toBe(2);
    expect(Item.objects.filter({ tag: 'blue' }).count()).toBe(0);
    const [query] = captureQueries(() => Item.objects.filter({ tag: 'red' }).count());
    expect(query!.sql).toMatch(/SELECT COUNT\(\*\)/);
  });

  test('exists()', () => {
    expect(Item.objects.filter({ tag: 'red' }).exists()).toBe(true);
    expect(Item.objects.filter({ tag: 'blue' }).exists()).toBe(false);
    const [query] = captureQueries(() => Item.objects.exists());
    expect(query!.sql).toMatch(/LIMIT 1/);
  });

  test('contains()', () => {
    const [apple, banana] = [Item.objects.get({ name: 'apple' }), Item.objects.get({ name: 'banana' })];
    const red = Item.objects.filter({ tag: 'red' });
    expect(red.contains(apple)).toBe(true);
    expect(red.contains(banana)).toBe(false);
    expect(() => red.contains(new Item({ name: 'unsaved' }))).toThrow(TypeError);
    expect(() => red.contains(new Shelf({ aisle: 'A', position: 1 }) as unknown as Item)).toThrow(TypeError);
  });

  test('first() and last() follow the ordering, else the primary key', () => {
    expect(Item.objects.first()!.name).toBe('apple');
    expect(Item.objects.last()!.name).toBe('cherry');
    expect(Item.objects.orderBy('quantity').first()!.name).toBe('banana');
    expect(Item.objects.orderBy('quantity').last()!.name).toBe('cherry');
    expect(Item.objects.orderBy('-quantity').last()!.name).toBe('banana');
    expect(Item.objects.filter({ name: 'nope' }).first()).toBeNull();
    expect(Item.objects.filter({ name: 'nope' }).last()).toBeNull();
    Shelf.objects.create({ aisle: 'Z', position: 1 });
    const second = Shelf.objects.create({ aisle: 'A', position: 2 });
    expect(Shelf.objects.last()!.pk).toBe(second.pk);
  });

  test('latest() and earliest() by field, and by meta.getLatestBy', () => {
    expect(Item.objects.latest('happenedAt').name).toBe('cherry');
    expect(Item.objects.earliest('happenedAt').name).toBe('banana');
    expect(Item.objects.latest('-happenedAt').name).toBe('banana');
    expect(Item.objects.filter({ tag: 'red' }).earliest('quantity').name).toBe('apple');
    expect(() => Item.objects.filter({ name: 'nope' }).latest('happenedAt')).toThrow(Item.DoesNotExist);
    expect(() => Item.objects.latest()).toThrow(TypeError);
    Question.objects.create({ questionText: 'old', pubDate: new Date('2020-01-01T00:00:00Z') });
    Question.objects.create({ questionText: 'new', pubDate: new Date('2023-01-01T00:00:00Z') });
    expect(Question.objects.latest().questionText).toBe('new');
    expect(Question.objects.earliest().questionText).toBe('old');
  });

  test('at() returns the row at an index; a negative index is a clear error', () => {
    expect(Item.objects.orderBy('quantity').at(0)!.name).toBe('banana');
    expect(Item.objects.orderBy('quantity').at(2)!.name).toBe('cherry');
    expect(Item.objects.at(3)).toBeUndefined();
    const [query] = captureQueries(() => Item.objects.at(1));
    expect(query!.sql).toMatch(/LIMIT 1 OFFSET 1/);
    expect(() => Item.objects.at(-1)).toThrow(TypeError);
    expect(() => Item.objects.at(-1)).toThrow(/negative/);
    expect(() => Item.objects.at(1.5)).toThrow(TypeError);
  });

  test('inBulk() maps keys to instances', () => {
    const items = Item.objects.eval();
    const map = Item.objects.inBulk([items[0]!.pk, items[2]!.pk, 999_999]);
    expect(map).toBeInstanceOf(Map);
    expect([...map.keys()].sort()).toEqual([items[0]!.pk, items[2]!.pk].sort());
    expect(map.get(items[2]!.pk)!.name).toBe('cherry');
    expect(Item.objects.inBulk().size).toBe(3);
    expect(Item.objects.filter({ tag: 'red' }).inBulk().size).toBe(2);
    expect(Item.objects.inBulk([]).size).toBe(0);
    const bySlug = Item.objects.inBulk(['apple', 'banana'], { fieldName: 'slug' });
    expect([...bySlug.keys()].sort()).toEqual(['apple', 'banana']);
    expect(bySlug.get('banana')!.quantity).toBe(1);
    expect(() => Item.objects.inBulk(['red'], { fieldName: 'tag' })).toThrow(TypeError);
  });

  test('iterator({ chunkSize }) streams every row without caching', () => {
    for (let i = 0; i < 7; i++) Item.objects.create({ name: `extra${i}`, quantity: 100 + i });
    const qs = Item.objects.filter({ quantity__gte: 100 }).orderBy('quantity');
    const names: string[] = [];
    const queries = captureQueries(() => {
      for (const item of qs.iterator({ chunkSize: 3 })) {
        expect(item).toBeInstanceOf(Item);
        names.push(item.name);
      }
    });
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `extra${i}`));
    expect(queries).toHaveLength(1);
    expect(captureQueries(() => qs.eval())).toHaveLength(1);
    expect([...Item.objects.valuesList('quantity', { flat: true }).filter({ quantity__lt: 100 }).iterator()]).toEqual([3, 1, 5]);
    expect(() => [...qs.iterator({ chunkSize: 0 })]).toThrow(TypeError);
  });

  test('aggregate() returns a plain object of results', () => {
    const result = Item.objects.aggregate({ n: Count('id'), total: Sum('quantity'), top: Max('quantity') });
    expect(result).toEqual({ n: 3, total: 9, top: 5 });
    // As Django: no aggregates, no query, an empty result.
    expect(Item.objects.aggregate({})).toEqual({});
    expect(Item.objects.aggregate()).toEqual({});
  });

  sqliteOnlyTest('explain() returns SQLite query plan text (SQLite plan text)', () => {
    const plan = Item.objects.filter({ slug: 'apple' }).explain();
    expect(typeof plan).toBe('string');
    expect(plan).toMatch(/SEARCH/);
    expect(plan).toMatch(/inventory_item/);
    expect(Item.objects.explain()).toMatch(/SCAN/);
  });

  test('raw(sql, params) yields instances from hand-written SQL', () => {
    const items = Item.objects.raw('SELECT * FROM inventory_item WHERE quantity > ? ORDER BY quantity DESC', [2]);
    expect(items.map((item) => item.name)).toEqual(['cherry', 'apple']);
    expect(items[0]).toBeInstanceOf(Item);
    expect(items[0]!.happenedAt).toBeInstanceOf(Date);
    expect(items[0]!.active).toBe(true);
    const partial = Item.objects.raw('SELECT id, name, quantity * 2 AS doubled FROM inventory_item WHERE name = ?', ['banana']);
    expect(partial[0]!.name).toBe('banana');
    expect((partial[0] as unknown as { doubled: number }).doubled).toBe(2);
    expect(partial[0]!.quantity).toBe(1); // deferred, loaded on access
    expect(Item.objects.raw('SELECT * FROM inventory_item WHERE name = ?', ["x' OR '1'='1"])).toEqual([]);
  });
});

describe('writing', () => {
  test('create() saves and returns the instance with its key', () => {
    const item = Item.objects.create({ name: 'date', quantity: 2 });
    expect(item.pk).toEqual(expect.any(Number));
    expect(item._state.adding).toBe(false);
    expect(Item.objects.get({ pk: item.pk }).name).toBe('date');
  });

  test('create() refuses bad values without writing', () => {
    expect(() => Item.objects.create({ name: 'x'.repeat(50) })).toThrow(ValidationError);
    expect(Item.objects.count()).toBe(3);
  });

  test('getOrCreate() gets an existing row', () => {
    const [item, created] = Item.objects.getOrCreate({ name: 'apple' }, { defaults: { quantity: 99 } });
    expect(created).toBe(false);
    expect(item.quantity).toBe(3);
    expect(Item.objects.count()).toBe(3);
  });

  test('getOrCreate() creates from lookups plus defaults (values or functions)', () => {
    const [item, created] = Item.objects.getOrCreate({ name: 'date', tag__isnull: true }, { defaults: { quantity: 9, description: () => 'made' } });
    expect(created).toBe(true);
    expect(item.pk).toEqual(expect.any(Number));
    const stored = Item.objects.get({ name: 'date' });
    expect([stored.quantity, stored.description, stored.tag]).toEqual([9, 'made', null]);
    const [again, createdAgain] = Item.objects.getOrCreate({ name: 'date' });
    expect(createdAgain).toBe(false);
    expect(again.pk).toBe(item.pk);
  });

  test('getOrCreate() with several matches throws MultipleObjectsReturned', () => {
    expect(() => Item.objects.getOrCreate({ tag: 'red' })).toThrow(Item.MultipleObjectsReturned);
  });

  test('updateOrCreate() updates with defaults', () => {
    const [item, created] = Item.objects.updateOrCreate({ name: 'banana' }, { defaults: { quantity: 42, tag: 'green' } });
    expect(created).toBe(false);
    expect(item.quantity).toBe(42);
    const stored = Item.objects.get({ name: 'banana' });
    expect([stored.quantity, stored.tag]).toEqual([42, 'green']);
    expect(Item.objects.count()).toBe(3);
  });

  test('updateOrCreate() creates with createDefaults when given, else defaults', () => {
    const [made, created] = Item.objects.updateOrCreate({ name: 'elder' }, { defaults: { quantity: 1 }, createDefaults: { quantity: 2, tag: 'new' } });
    expect(created).toBe(true);
    expect([made.quantity, made.tag]).toEqual([2, 'new']);
    const [updated, createdAgain] = Item.objects.updateOrCreate({ name: 'elder' }, { defaults: { quantity: 1 }, createDefaults: { quantity: 2 } });
    expect(createdAgain).toBe(false);
    expect(updated.pk).toBe(made.pk);
    expect(Item.objects.get({ name: 'elder' }).quantity).toBe(1);
    const [fig] = Item.objects.updateOrCreate({ name: 'fig' }, { defaults: { quantity: 7 } });
    expect(Item.objects.get({ pk: fig.pk }).quantity).toBe(7);
  });

  test('bulkCreate() inserts all objects and sets their keys', () => {
    const objects = ['d1', 'd2', 'd3'].map((name, i) => new Item({ name, quantity: i }));
    const queries = captureQueries(() => {
      const result = Item.objects.bulkCreate(objects);
      expect(result).toHaveLength(3);
    });
    expect(queries.length).toBeGreaterThanOrEqual(3);
    const pks = objects.map((item) => item.pk);
    for (const pk of pks) expect(pk).toEqual(expect.any(Number));
    expect(new Set(pks).size).toBe(3);
    expect(Item.objects.filter({ pk__in: pks }).orderBy('pk').valuesList('name', { flat: true }).eval()).toEqual(['d1', 'd2', 'd3']);
    expect(objects.every((item) => !item._state.adding)).toBe(true);
  });

  test('bulkCreate() with batchSize writes every object', () => {
    const objects = Array.from({ length: 5 }, (_, i) => new Item({ name: `batch${i}` }));
    Item.objects.bulkCreate(objects, { batchSize: 2 });
    expect(Item.objects.filter({ name__startswith: 'batch' }).count()).toBe(5);
    expect(objects.every((item) => typeof item.pk === 'number')).toBe(true);
    expect(() => Item.objects.bulkCreate([new Item({ name: 'x' })], { batchSize: 0 })).toThrow(TypeError);
  });

  test('bulkCreate() is all or nothing; ignoreConflicts skips duplicates', () => {
    expect(() => Item.objects.bulkCreate([new Item({ name: 'ok', slug: 'fresh' }), new Item({ name: 'dup', slug: 'apple' })])).toThrow(IntegrityError);
    expect(Item.objects.count()).toBe(3);
    const objects = [new Item({ name: 'ok', slug: 'fresh' }), new Item({ name: 'dup', slug: 'apple' })];
    Item.objects.bulkCreate(objects, { ignoreConflicts: true });
    expect(allNames()).toEqual(['apple', 'banana', 'cherry', 'ok']);
    expect(Item.objects.get({ slug: 'apple' }).name).toBe('apple');
    expect(objects[0]!.pk).toEqual(expect.any(Number));
  });

  test('bulkCreate() validates every object and refuses other models', () => {
    expect(() => Item.objects.bulkCreate([new Item({ name: 'fine' }), new Item({ name: 'y'.repeat(21) })])).toThrow(ValidationError);
    expect(Item.objects.count()).toBe(3);
    expect(() => Item.objects.bulkCreate([new Shelf({ aisle: 'A', position: 1 }) as unknown as Item])).toThrow(TypeError);
  });

  test('bulkUpdate() writes the named fields of every object', () => {
    const items = Item.objects.orderBy('name').eval();
    items[0]!.quantity = 10;
    items[1]!.quantity = 20;
    items[1]!.tag = 'ignored';
    items[2]!.quantity = 30;
    expect(Item.objects.bulkUpdate(items, ['quantity'])).toBe(3);
    expect(Item.objects.orderBy('name').valuesList('quantity', 'tag').eval()).toEqual([
      [10, 'red'],
      [20, 'yellow'],
      [30, 'red'],
    ]);
    expect(() => Item.objects.bulkUpdate(items, [])).toThrow(TypeError);
    expect(() => Item.objects.bulkUpdate(items, ['id'])).toThrow(TypeError);
    expect(() => Item.objects.bulkUpdate([new Item({ name: 'unsaved' })], ['quantity'])).toThrow(TypeError);
  });

  test('update() changes every matching row and returns the count', () => {
    expect(Item.objects.filter({ tag: 'red' }).update({ quantity: 0, description: 'sold out' })).toBe(2);
    expect(Item.objects.orderBy('name').valuesList('quantity', 'description').eval()).toEqual([
      [0, 'sold out'],
      [1, ''],
      [0, 'sold out'],
    ]);
    expect(Item.objects.filter({ tag: 'blue' }).update({ quantity: 5 })).toBe(0);
    expect(Item.objects.update({})).toBe(0);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.update({ quantity: 'lots' })).toThrow(ValidationError);
    expect(() => Item.objects.update({ name: 'z'.repeat(21) })).toThrow(ValidationError);
    expect(Item.objects.filter({ quantity: 1 }).count()).toBe(1);
  });

  test('update() of a slice is refused', () => {
    expect(() => Item.objects.orderBy('name').slice(0, 1).update({ quantity: 1 })).toThrow(TypeError);
  });

  test('delete() returns [total, { Model: n }]', () => {
    expect(Item.objects.filter({ tag: 'red' }).delete()).toEqual([2, { Item: 2 }]);
    expect(allNames()).toEqual(['banana']);
    const shelf = Shelf.objects.create({ aisle: 'A', position: 1 });
    expect(shelf.delete()).toEqual([1, { Shelf: 1 }]);
    expect(shelf.pk).toBeNull();
    expect(Shelf.objects.count()).toBe(0);
  });

  test('an empty delete returns [0, {}]', () => {
    expect(Item.objects.filter({ name: 'nope' }).delete()).toEqual([0, {}]);
    expect(Item.objects.none().delete()).toEqual([0, {}]);
    expect(Item.objects.count()).toBe(3);
  });

  test('delete() after slice() / values() is refused', () => {
    expect(() => Item.objects.orderBy('name').slice(0, 1).delete()).toThrow(TypeError);
    expect(() => Item.objects.values('name').delete()).toThrow(TypeError);
    expect(Item.objects.count()).toBe(3);
  });

  test('a deleted instance can be saved again as a new row', () => {
    const item = Item.objects.get({ name: 'banana' });
    const oldPk = item.pk;
    item.delete();
    expect(Item.objects.filter({ pk: oldPk }).exists()).toBe(false);
    item.save();
    expect(item.pk).not.toBeNull();
    expect(Item.objects.get({ pk: item.pk }).name).toBe('banana');
  });
});
