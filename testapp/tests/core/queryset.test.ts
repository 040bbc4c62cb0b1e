/**
 * Chaining methods of the sync QuerySet (API.md section 3): what each one does to the result, that a chain
 * never changes the queryset it started from, and that nothing runs before evaluation.
 */
import { atomic, captureQueries, Count, F, Length, Lower, NotSupportedError, Q, QuerySet, Value } from '../../../src';
import { Item } from '../../inventory';
import { clearTables, useDatabase } from './helpers';
import { sqliteOnlyTest } from '../test-database';

useDatabase();

const flatNames = (qs: QuerySet<Item, any>): string[] => qs.valuesList('name', { flat: true }).eval() as string[];

beforeAll(() => {
  clearTables(Item);
  const rows: Array<[string, number, string | null, string, number | null]> = [
    ['apple', 3, 'red', '1.50', 0.5],
    ['banana', 1, 'yellow', '0.25', null],
    ['cherry', 5, 'red', '4.00', 2],
    ['date', 2, null, '7.25', 1],
    ['elder', 5, 'black', '12.00', null],
    ['fig', 4, null, '3.10', 3],
  ];
  for (const [name, quantity, tag, price, ratio] of rows) Item.objects.create({ name, quantity, tag, price, ratio, description: name.toUpperCase() });
});

describe('laziness and immutability', () => {
  test('chaining runs no SQL; evaluation runs one statement', () => {
    let qs: QuerySet<Item, any> | undefined;
    const chaining = captureQueries(() => {
      qs = Item.objects
        .all()
        .filter({ quantity__gte: 2 })
        .exclude({ tag: 'black' })
        .orderBy('-quantity', 'name')
        .annotate({ twice: F('quantity').mul(2) })
        .alias({ len: Length('name') })
        .filter({ len__lte: 6 })
        .distinct()
        .reverse()
        .defer('description')
        .only('name', 'quantity')
        .slice(0, 10)
        .values('name', 'twice');
    });
    expect(chaining).toEqual([]);
    const evaluating = captureQueries(() => qs!.eval());
    expect(evaluating).toHaveLength(1);
    expect(evaluating[0]!.sql).toMatch(/^SELECT/);
    expect(qs!.eval()).toEqual([
      { name: 'date', twice: 4 },
      { name: 'apple', twice: 6 },
      { name: 'fig', twice: 8 },
      { name: 'cherry', twice: 10 },
    ]);
  });

  test('an evaluated queryset caches its rows', () => {
    const qs = Item.objects.filter({ tag: 'red' });
    expect(captureQueries(() => qs.eval())).toHaveLength(1);
    expect(captureQueries(() => [...qs, ...qs.eval()])).toHaveLength(0);
    expect(captureQueries(() => qs.count())).toHaveLength(0);
    expect(captureQueries(() => qs.exists())).toHaveLength(0);
    expect(captureQueries(() => qs.at(1))).toHaveLength(0);
    // a new chain does not share the cache
    expect(captureQueries(() => qs.all().eval())).toHaveLength(1);
  });

  test('chaining never changes the original queryset', () => {
    const base = Item.objects.filter({ quantity__gte: 3 });
    const before = base.toSql();
    base.filter({ tag: 'red' });
    base.exclude({ name: 'apple' });
    base.orderBy('-name');
    base.reverse();
    base.slice(0, 1);
    base.values('name');
    base.valuesList('name', { flat: true });
    base.annotate({ n: Value(1) });
    base.distinct();
    base.none();
    base.defer('tag');
    base.only('name');
    base.union(Item.objects.all());
    base.and(Item.objects.filter({ tag: 'red' }));
    base.or(Item.objects.all());
    expect(base.toSql()).toEqual(before);
    expect(flatNames(base)).toEqual(['apple', 'cherry', 'elder', 'fig']);
    expect(base.eval()[0]).toBeInstanceOf(Item);
  });

  test('the manager itself is never narrowed', () => {
    Item.objects.filter({ name: 'apple' }).eval();
    expect(Item.objects.count()).toBe(6);
    expect(Item.objects.all()).not.toBe(Item.objects.all());
  });
});

describe('filtering and ordering', () => {
  test('all() returns every row, ordered by meta.ordering', () => {
    expect(flatNames(Item.objects.all())).toEqual(['apple', 'banana', 'cherry', 'date', 'elder', 'fig']);
  });

  test('filter() calls are ANDed; exclude() narrows', () => {
    expect(flatNames(Item.objects.filter({ quantity__gte: 3 }).filter({ tag: 'red' }))).toEqual(['apple', 'cherry']);
    expect(flatNames(Item.objects.filter({ quantity__gte: 3 }).exclude({ tag: 'red' }))).toEqual(['elder', 'fig']);
    expect(flatNames(Item.objects.filter({ quantity__gte: 3 }, { tag: 'red' }))).toEqual(['apple', 'cherry']);
  });

  test("orderBy with '-field', several fields, and reverse()", () => {
    expect(flatNames(Item.objects.orderBy('-quantity', 'name'))).toEqual(['cherry', 'elder', 'fig', 'apple', 'date', 'banana']);
    expect(flatNames(Item.objects.orderBy('-quantity', 'name').reverse())).toEqual(['banana', 'date', 'apple', 'fig', 'elder', 'cherry']);
    expect(flatNames(Item.objects.reverse())).toEqual(['fig', 'elder', 'date', 'cherry', 'banana', 'apple']);
    expect(flatNames(Item.objects.orderBy('quantity').reverse().reverse()).slice(0, 2)).toEqual(['banana', 'date']);
    expect(flatNames(Item.objects.orderBy('pk'))).toEqual(['apple', 'banana', 'cherry', 'date', 'elder', 'fig']);
    expect(flatNames(Item.objects.orderBy('-price'))).toEqual(['elder', 'date', 'cherry', 'fig', 'apple', 'banana']);
  });

  test('orderBy() with no names drops the default ordering; a later orderBy replaces an earlier one', () => {
    expect(Item.objects.orderBy().toSql().sql).not.toMatch(/ORDER BY/);
    expect(flatNames(Item.objects.orderBy('-name').orderBy('quantity', 'name'))).toEqual(['banana', 'date', 'apple', 'fig', 'cherry', 'elder']);
  });

  test("orderBy('?') is random", () => {
    const orders = new Set<string>();
    for (let i = 0; i < 30 && orders.size < 2; i++) orders.add(flatNames(Item.objects.orderBy('?')).join(','));
    expect(orders.size).toBeGreaterThan(1);
    for (const order of orders) expect(order.split(',').sort()).toEqual(['apple', 'banana', 'cherry', 'date', 'elder', 'fig']);
  });

  test('orderBy by expressions and annotations', () => {
    expect(flatNames(Item.objects.orderBy(F('ratio').desc({ nullsLast: true }), 'name'))).toEqual(['fig', 'cherry', 'date', 'apple', 'banana', 'elder']);
    expect(flatNames(Item.objects.orderBy(F('ratio').asc({ nullsFirst: true }), '-name'))).toEqual(['elder', 'banana', 'apple', 'date', 'cherry', 'fig']);
    expect(flatNames(Item.objects.annotate({ len: Length('name') }).orderBy('-len', 'name'))).toEqual(['banana', 'cherry', 'apple', 'elder', 'date', 'fig']);
    expect(flatNames(Item.objects.orderBy(Lower('tag').desc({ nullsLast: true }), 'name'))).toEqual(['banana', 'apple', 'cherry', 'elder', 'date', 'fig']);
  });

  test('distinct() removes duplicate rows', () => {
    expect(Item.objects.values('tag').orderBy('tag').eval()).toHaveLength(6);
    // Where NULL sorts differs between databases (first on SQLite, last on PostgreSQL), as in Django: say it.
    expect(Item.objects.values('tag').distinct().orderBy(F('tag').asc({ nullsFirst: true })).eval()).toEqual([{ tag: null }, { tag: 'black' }, { tag: 'red' }, { tag: 'yellow' }]);
    expect(Item.objects.valuesList('quantity', { flat: true }).distinct().orderBy('quantity').eval()).toEqual([1, 2, 3, 4, 5]);
    expect(Item.objects.valuesList('quantity', { flat: true }).distinct().count()).toBe(5);
  });

  test('none() is empty without running SQL', () => {
    const none = Item.objects.filter({ quantity__gt: 0 }).none();
    expect(captureQueries(() => expect(none.eval()).toEqual([]))).toHaveLength(0);
    expect(captureQueries(() => expect(none.exists()).toBe(false))).toHaveLength(0);
    expect(none.count()).toBe(0);
    expect(none.first()).toBeNull();
    expect(none.filter({ name: 'apple' }).eval()).toEqual([]);
    expect(none.aggregate({ n: Count('id') })).toEqual({ n: 0 });
    expect(none.update({ quantity: 99 })).toBe(0);
    expect(Item.objects.filter({ quantity: 99 }).count()).toBe(0);
  });
});

describe('result shapes', () => {
  test('values() with no names gives every column under its attribute name', () => {
    const row = Item.objects.filter({ name: 'apple' }).values().get() as unknown as Record<string, unknown>;
    const apple = Item.objects.get({ name: 'apple' });
    expect(Object.keys(row).sort()).toEqual(Object.keys(apple.toJSON()).sort());
    expect(row).toMatchObject({ id: apple.pk, name: 'apple', quantity: 3, tag: 'red', price: '1.50', active: true, code: '' });
    expect(row.createdAt).toBeInstanceOf(Date);
  });

  test('values(names) gives plain objects with just those keys', () => {
    const rows = Item.objects.filter({ tag: 'red' }).values('name', 'price').eval();
    expect(rows).toEqual([
      { name: 'apple', price: '1.50' },
      { name: 'cherry', price: '4.00' },
    ]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  test('values() with annotations', () => {
    expect(Item.objects.filter({ name: 'fig' }).values('name').annotate({ up: F('quantity').add(1) }).eval()).toEqual([{ name: 'fig', up: 5 }]);
    expect(Item.objects.filter({ name: 'fig' }).annotate({ up: F('quantity').add(1) }).values('up').eval()).toEqual([{ up: 5 }]);
  });

  test('valuesList(): tuples, flat, named', () => {
    expect(Item.objects.filter({ tag: 'red' }).valuesList('name', 'quantity').eval()).toEqual([
      ['apple', 3],
      ['cherry', 5],
    ]);
    expect(Item.objects.filter({ tag: 'red' }).valuesList('quantity', { flat: true }).eval()).toEqual([3, 5]);
    expect(Item.objects.filter({ tag: 'red' }).valuesList('name', 'quantity', { named: true }).eval()).toEqual([
      { name: 'apple', quantity: 3 },
      { name: 'cherry', quantity: 5 },
    ]);
    const pks = Item.objects.filter({ tag: 'red' }).valuesList({ flat: true }).eval();
    expect(pks).toEqual(Item.objects.filter({ tag: 'red' }).eval().map((item) => item.pk));
    expect(() => Item.objects.valuesList('name', 'tag', { flat: true })).toThrow(TypeError);
    expect(() => Item.objects.valuesList('name', { flat: true, named: true })).toThrow(TypeError);
  });

  test('annotate() adds attributes to instances', () => {
    const items = Item.objects.annotate({ total: F('quantity').mul(F('price')), label: Value('x') }).filter({ tag: 'red' }).eval();
    expect(items.map((item) => [item.name, (item as unknown as Record<string, unknown>).total, (item as unknown as Record<string, unknown>).label])).toEqual([
      ['apple', 4.5],
      ['cherry', 20],
    ].map(([name, total]) => [name, total, 'x']));
  });

  test('alias() is usable in filters and ordering but is not selected', () => {
    const qs = Item.objects.alias({ len: Length('name') }).filter({ len: 4 }).orderBy('-len', 'name');
    const items = qs.eval();
    expect(items.map((item) => item.name)).toEqual(['date']);
    expect('len' in (items[0] as object)).toBe(false);
    expect(qs.values().eval()[0]).not.toHaveProperty('len');
  });

  test('defer() loads the field on first access, with one query', () => {
    const item = Item.objects.defer('description').get({ name: 'apple' });
    const load = captureQueries(() => expect(item.description).toBe('APPLE'));
    expect(load).toHaveLength(1);
    expect(captureQueries(() => item.description)).toHaveLength(0);
    expect(item.name).toBe('apple');
  });

  test('only() loads the named fields and the primary key', () => {
    const qs = Item.objects.only('name').filter({ name: 'cherry' });
    expect(qs.toSql().sql).not.toMatch(/"description"/);
    const item = qs.get();
    expect(captureQueries(() => [item.pk, item.name])).toHaveLength(0);
    expect(captureQueries(() => expect(item.quantity).toBe(5))).toHaveLength(1);
    item.quantity = 6;
    item.save();
    expect(Item.objects.get({ name: 'cherry' }).quantity).toBe(6);
    Item.objects.filter({ name: 'cherry' }).update({ quantity: 5 });
  });

  test('an instance loaded with only() saves only what it changed', () => {
    const item = Item.objects.only('name', 'tag').get({ name: 'date' });
    item.tag = 'brown';
    item.save();
    const fresh = Item.objects.get({ name: 'date' });
    expect([fresh.tag, fresh.quantity, fresh.price]).toEqual(['brown', 2, '7.25']);
    Item.objects.filter({ name: 'date' }).update({ tag: null });
  });
});

describe('using() and selectForUpdate()', () => {
  test("using('default') is the one database; another alias is a FieldError", () => {
    expect(flatNames(Item.objects.using('default').filter({ tag: 'red' }))).toEqual(['apple', 'cherry']);
    expect(() => Item.objects.using('replica')).toThrow(/replica/);
  });

  sqliteOnlyTest('selectForUpdate() is refused when it runs on SQLite (no row locks), with an explanation', () => {
    const locking = Item.objects.selectForUpdate({ skipLocked: true });
    expect(() => atomic(() => locking.eval())).toThrow(NotSupportedError);
    expect(() => atomic(() => locking.eval())).toThrow(/SQLite has no row locks\. Writes are already serialised .*atomic\(\)/);
    expect(() => Item.objects.selectForUpdate({ nowait: true, skipLocked: true })).toThrow(TypeError);
  });
});

describe('set operations and combining', () => {
  const red = () => Item.objects.filter({ tag: 'red' });
  const many = () => Item.objects.filter({ quantity__gte: 4 });

  test('union (distinct and all)', () => {
    expect(flatNames(red().union(many()).orderBy('name'))).toEqual(['apple', 'cherry', 'elder', 'fig']);
    expect(red().union(many(), { all: true }).orderBy('name').eval().map((item) => item.name)).toEqual(['apple', 'cherry', 'cherry', 'elder', 'fig']);
    expect(red().union(many()).count()).toBe(4);
  });

  test('intersection and difference', () => {
    expect(red().intersection(many()).eval().map((item) => item.name)).toEqual(['cherry']);
    expect(red().difference(many()).eval().map((item) => item.name)).toEqual(['apple']);
    expect(many().difference(red()).orderBy('-name').eval().map((item) => item.name)).toEqual(['fig', 'elder']);
  });

  test('union of values() querysets, sliced', () => {
    expect(red().values('name').union(many().values('name')).orderBy('-name').slice(0, 2).eval()).toEqual([{ name: 'fig' }, { name: 'elder' }]);
  });

  test('filtering after a set operation is refused', () => {
    expect(() => red().union(many()).filter({ name: 'x' })).toThrow(NotSupportedError);
  });

  test('and() / or() of querysets', () => {
    expect(flatNames(red().and(many()))).toEqual(['cherry']);
    expect(flatNames(red().or(many()))).toEqual(['apple', 'cherry', 'elder', 'fig']);
    expect(flatNames(red().or(Item.objects.filter(Q({ name: 'banana' }))))).toEqual(['apple', 'banana', 'cherry']);
    expect(() => red().and(Item.objects.all().slice(0, 1))).toThrow(TypeError);
  });
});

describe('slicing', () => {
  const ordered = () => Item.objects.orderBy('name');

  test('slice(start, end) and slice(start)', () => {
    expect(flatNames(ordered().slice(1, 3))).toEqual(['banana', 'cherry']);
    expect(flatNames(ordered().slice(4))).toEqual(['elder', 'fig']);
    expect(flatNames(ordered().slice(0, 0))).toEqual([]);
    expect(flatNames(ordered().slice(10, 20))).toEqual([]);
  });

  test('a slice of a slice stays inside the first', () => {
    expect(flatNames(ordered().slice(1, 5).slice(1, 10))).toEqual(['cherry', 'date', 'elder']);
    expect(flatNames(ordered().slice(2).slice(1, 2))).toEqual(['date']);
  });

  test('LIMIT / OFFSET run in SQL', () => {
    const [query] = captureQueries(() => ordered().slice(2, 4).eval());
    expect(query!.sql).toMatch(/LIMIT 2 OFFSET 2/);
  });

  test('a sliced queryset cannot be filtered or reordered; negative bounds are refused', () => {
    expect(() => ordered().slice(0, 2).filter({ name: 'apple' })).toThrow(TypeError);
    expect(() => ordered().slice(0, 2).orderBy('name')).toThrow(TypeError);
    expect(() => ordered().slice(-1)).toThrow(/negative/);
    expect(ordered().slice(0, 2).count()).toBe(2);
    expect(ordered().slice(4).exists()).toBe(true);
    expect(ordered().slice(6).exists()).toBe(false);
  });
});
