/**
 * Q trees, exclude() with NULLs, F() arithmetic, functions and aggregates on one table (API.md sections 3 and 8).
 */
import { Avg, Coalesce, Concat, Count, Exists, F, Length, Lower, Max, Min, OuterRef, Q, Subquery, Sum, Upper, Value } from '../../../src';
import type { FilterArg } from '../../../src';
import { Item } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();

function names(...filters: FilterArg[]): string[] {
  return Item.objects.filter(...filters).valuesList('name', { flat: true }).eval().map(String).sort();
}

function excluded(...filters: FilterArg[]): string[] {
  return Item.objects.exclude(...filters).valuesList('name', { flat: true }).eval().map(String).sort();
}

function seed(): void {
  clearTables(Item);
  Item.objects.create({ name: 'a', quantity: 1, small: 10, tag: 'red', price: '1.10', ratio: 0.5, description: 'Apple' });
  Item.objects.create({ name: 'b', quantity: 2, small: 1, tag: null, price: '2.20', ratio: null, description: 'Banana' });
  Item.objects.create({ name: 'c', quantity: 3, small: 3, tag: 'blue', price: '3.30', ratio: 1.5, description: 'cherry' });
  Item.objects.create({ name: 'd', quantity: 4, small: 8, tag: 'red', price: '10.05', ratio: 2.5, description: '' });
}

describe('Q', () => {
  beforeAll(seed);

  test('or, and, not, and nesting', () => {
    expect(names(Q({ name: 'a' }).or(Q({ name: 'b' })))).toEqual(['a', 'b']);
    expect(names(Q({ tag: 'red' }).and(Q({ quantity__gt: 1 })))).toEqual(['d']);
    expect(names(Q({ tag: 'red' }).not())).toEqual(['b', 'c']);
    expect(names(Q({ name: 'a' }).or(Q({ name: 'b' })).and(Q({ tag: null }).not()))).toEqual(['a']);
    expect(names(Q({ name: 'a' }).or(Q({ quantity__gte: 3 }).and(Q({ tag: 'blue' }).not())))).toEqual(['a', 'd']);
    expect(names(Q({ name: 'a' }).or(Q({ name: 'b' })).not())).toEqual(['c', 'd']);
  });

  test('keys of one Q are ANDed; Q, lookups and several arguments combine', () => {
    expect(names(Q({ tag: 'red', quantity: 4 }))).toEqual(['d']);
    expect(names(Q({ tag: 'red' }), { quantity__lt: 4 })).toEqual(['a']);
    expect(names(Q({ name: 'a' }).or(Q({ name: 'c' })))).toEqual(['a', 'c']);
  });

  test('Q is callable with and without new', () => {
    expect(names(new Q({ name: 'b' }))).toEqual(['b']);
    expect(Q({ name: 'b' })).toBeInstanceOf(Q);
  });

  test('an empty Q matches everything', () => {
    expect(names(Q())).toEqual(['a', 'b', 'c', 'd']);
    expect(excluded(Q())).toEqual(['a', 'b', 'c', 'd']);
  });

  test('Q combinations do not change their operands', () => {
    const red = Q({ tag: 'red' });
    red.or(Q({ name: 'c' }));
    red.not();
    expect(names(red)).toEqual(['a', 'd']);
  });
});

describe('exclude()', () => {
  beforeAll(seed);

  test('keeps rows whose column is NULL', () => {
    expect(excluded({ tag: 'red' })).toEqual(['b', 'c']);
    expect(excluded({ tag__in: ['red', 'blue'] })).toEqual(['b']);
    expect(excluded({ ratio__gt: 1 })).toEqual(['a', 'b']);
  });

  test('~Q keeps NULL rows like exclude()', () => {
    expect(names(Q({ tag: 'blue' }).not())).toEqual(['a', 'b', 'd']);
  });

  test('exclude of several lookups excludes rows matching all of them', () => {
    expect(excluded({ tag: 'red', quantity: 1 })).toEqual(['b', 'c', 'd']);
  });

  test('exclude(isnull) and exclude(null)', () => {
    expect(excluded({ tag__isnull: true })).toEqual(['a', 'c', 'd']);
    expect(excluded({ tag: null })).toEqual(['a', 'c', 'd']);
  });

  test('filter and exclude chain', () => {
    expect(Item.objects.filter({ quantity__gt: 1 }).exclude({ tag: 'blue' }).valuesList('name', { flat: true }).eval().sort()).toEqual(['b', 'd']);
  });
});

describe('F', () => {
  beforeEach(seed);

  test('compares columns in filters, with arithmetic', () => {
    expect(names({ small__gt: F('quantity') })).toEqual(['a', 'd']);
    expect(names({ small: F('quantity') })).toEqual(['c']);
    expect(names({ small__gte: F('quantity').mul(2) })).toEqual(['a', 'd']);
    expect(names({ small__lt: F('quantity').add(1) })).toEqual(['b', 'c']);
    expect(names({ small: F('quantity').sub(2).mul(-1).add(F('quantity').mul(3)) })).toEqual([]);
    expect(names({ quantity: F('small').div(F('small')) })).toEqual(['a']);
  });

  test('decimal columns are compared numerically through F', () => {
    expect(names({ price__gt: F('quantity').mul(2) })).toEqual(['d']);
    expect(names({ price__lt: F('quantity').add(1) })).toEqual(['a', 'b', 'c']);
  });

  test('update() with F is computed in SQL, per row', () => {
    const changed = Item.objects.filter({ tag: 'red' }).update({ quantity: F('quantity').add(F('small')).mul(2) });
    expect(changed).toBe(2);
    expect(Item.objects.orderBy('name').valuesList('name', 'quantity').eval()).toEqual([
      ['a', 22],
      ['b', 2],
      ['c', 3],
      ['d', 24],
    ]);
  });

  test('update() with F on a DecimalField stores exact text with the field places', () => {
    Item.objects.filter({ name: 'a' }).update({ price: F('price').add('0.20') });
    expect(Item.objects.get({ name: 'a' }).price).toBe('1.30');
    Item.objects.filter({ name: 'b' }).update({ price: F('price').mul(3) });
    expect(Item.objects.get({ name: 'b' }).price).toBe('6.60');
    expect(Item.objects.filter({ price: '6.60' }).valuesList('name', { flat: true }).eval()).toEqual(['b']);
    Item.objects.filter({ name: 'c' }).update({ price: F('price').div(3) });
    expect(Item.objects.get({ name: 'c' }).price).toBe('1.10');
    const d = Item.objects.get({ name: 'd' });
    d.price = F('price').sub('0.05') as unknown as string;
    d.save();
    d.refreshFromDb();
    expect(d.price).toBe('10.00');
    expect(Item.objects.filter({ price: '10' }).count()).toBe(1);
  });

  test('decimal arithmetic in annotations comes back as decimal text', () => {
    const rows = Item.objects.annotate({ doubled: F('price').mul(2) }).orderBy('name').valuesList('doubled', { flat: true }).eval();
    expect(rows).toEqual(['2.20', '4.40', '6.60', '20.10']);
  });

  test('an F() assigned to an instance field is applied by save()', () => {
    const item = Item.objects.get({ name: 'b' });
    item.quantity = F('quantity').add(10) as unknown as number;
    item.save();
    item.refreshFromDb();
    expect(item.quantity).toBe(12);
    Item.objects.filter({ name: 'b' }).update({ quantity: 1 });
    const again = Item.objects.get({ name: 'b' });
    again.quantity = F('quantity').add(10) as unknown as number;
    again.save();
    expect(Item.objects.get({ name: 'b' }).quantity).toBe(11);
  });

  test('annotate with F arithmetic, and order by it', () => {
    const rows = Item.objects
      .annotate({ total: F('quantity').mul(F('small')), twice: F('quantity').add(F('quantity')) })
      .orderBy('-total')
      .eval();
    expect(rows.map((item) => [item.name, (item as unknown as { total: number }).total, (item as unknown as { twice: number }).twice])).toEqual([
      ['d', 32, 8],
      ['a', 10, 2],
      ['c', 9, 6],
      ['b', 2, 4],
    ]);
  });

  test('orderBy F().desc() / asc() with nullsLast / nullsFirst', () => {
    const order = (...args: Parameters<typeof Item.objects.orderBy>) =>
      Item.objects.orderBy(...args).valuesList('name', { flat: true }).eval();
    expect(order(F('ratio').desc({ nullsLast: true }))).toEqual(['d', 'c', 'a', 'b']);
    expect(order(F('ratio').desc({ nullsFirst: true }))).toEqual(['b', 'd', 'c', 'a']);
    expect(order(F('ratio').asc({ nullsLast: true }))).toEqual(['a', 'c', 'd', 'b']);
    expect(order(F('ratio').asc({ nullsFirst: true }))).toEqual(['b', 'a', 'c', 'd']);
    expect(order(F('quantity').sub(F('small')).asc())).toEqual(['a', 'd', 'c', 'b']);
    expect(order(F('tag').asc({ nullsLast: true }), '-name')).toEqual(['c', 'd', 'a', 'b']);
    expect(Item.objects.orderBy(F('ratio').desc({ nullsLast: true })).reverse().valuesList('name', { flat: true }).eval()).toEqual(['b', 'a', 'c', 'd']);
  });

  test('F and Value are callable with and without new', () => {
    expect(names({ small: new F('quantity') })).toEqual(['c']);
    expect(names({ quantity: new Value(3) })).toEqual(['c']);
    expect(names({ quantity: Value(2) })).toEqual(['b']);
  });
});

describe('functions', () => {
  beforeAll(seed);

  const annotated = (annotations: Record<string, unknown>, name: string) =>
    Item.objects.annotate(annotations).orderBy('name').valuesList(name, { flat: true }).eval();

  test('Lower, Upper, Length', () => {
    expect(annotated({ low: Lower('description') }, 'low')).toEqual(['apple', 'banana', 'cherry', '']);
    expect(annotated({ up: Upper('description') }, 'up')).toEqual(['APPLE', 'BANANA', 'CHERRY', '']);
    expect(annotated({ len: Length('description') }, 'len')).toEqual([5, 6, 6, 0]);
    expect(names({ description: 'cherry' })).toEqual(['c']);
    expect(Item.objects.annotate({ low: Lower('description') }).filter({ low: 'banana' }).valuesList('name', { flat: true }).eval()).toEqual(['b']);
    expect(Item.objects.annotate({ len: Length('description') }).filter({ len__gt: 5 }).valuesList('name', { flat: true }).eval().sort()).toEqual(['b', 'c']);
  });

  test('Concat treats NULL parts as empty; Value adds literals', () => {
    expect(annotated({ label: Concat('name', Value('-'), 'tag') }, 'label')).toEqual(['a-red', 'b-', 'c-blue', 'd-red']);
    expect(annotated({ v: Value('const') }, 'v')).toEqual(['const', 'const', 'const', 'const']);
  });

  test('Coalesce picks the first non-null value', () => {
    expect(annotated({ t: Coalesce('tag', Value('none')) }, 't')).toEqual(['red', 'none', 'blue', 'red']);
    expect(annotated({ r: Coalesce('ratio', Value(0)) }, 'r')).toEqual([0.5, 0, 1.5, 2.5]);
  });

  test('functions in orderBy', () => {
    expect(Item.objects.orderBy(Length('description').desc(), 'name').valuesList('name', { flat: true }).eval()).toEqual(['b', 'c', 'a', 'd']);
    expect(Item.objects.orderBy(Lower('description')).valuesList('name', { flat: true }).eval()).toEqual(['d', 'a', 'b', 'c']);
  });

  test('functions are callable with and without new', () => {
    expect(new Upper('name')).toBeInstanceOf(Upper);
    expect(Item.objects.annotate({ u: new Upper('name') }).filter({ u: 'A' }).count()).toBe(1);
  });
});

describe('Subquery, Exists, OuterRef on one table', () => {
  beforeAll(seed);

  test('Subquery picks a value from a correlated query', () => {
    const nextCheaper = Subquery(Item.objects.filter({ price__lt: OuterRef('price') }).orderBy('-price').values('name').slice(0, 1));
    const rows = Item.objects.annotate({ nextCheaper }).orderBy('name').valuesList('name', 'nextCheaper').eval();
    expect(rows).toEqual([
      ['a', null],
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
    ]);
  });

  test('Exists filters and annotates', () => {
    const sameTagOthers = Item.objects.filter({ tag: OuterRef('tag') }).exclude({ pk: OuterRef('pk') });
    expect(Item.objects.annotate({ shared: Exists(sameTagOthers) }).orderBy('name').valuesList('name', 'shared').eval()).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
      ['d', true],
    ]);
    expect(Item.objects.annotate({ shared: Exists(sameTagOthers) }).filter({ shared: true }).valuesList('name', { flat: true }).eval()).toEqual(['a', 'd']);
    expect(Item.objects.alias({ shared: Exists(sameTagOthers) }).filter({ shared: false }).valuesList('name', { flat: true }).eval()).toEqual(['b', 'c']);
  });
});

describe('aggregates', () => {
  beforeAll(seed);

  test('Count, Sum, Avg, Min, Max over the table', () => {
    const result = Item.objects.aggregate({
      n: Count('id'),
      tags: Count('tag'),
      distinctTags: Count('tag', { distinct: true }),
      total: Sum('quantity'),
      mean: Avg('quantity'),
      low: Min('small'),
      high: Max('small'),
      ratioAvg: Avg('ratio'),
    });
    expect(result).toEqual({ n: 4, tags: 3, distinctTags: 2, total: 10, mean: 2.5, low: 1, high: 10, ratioAvg: 1.5 });
  });

  test('Decimal aggregates are exact strings', () => {
    Item.objects.create({ name: 'e', price: '0.10' });
    Item.objects.create({ name: 'f', price: '0.21' });
    try {
      const result = Item.objects.filter({ name__in: ['e', 'f'] }).aggregate({ total: Sum('price') });
      expect(result.total).toBe('0.31');
      const all = Item.objects.aggregate({ total: Sum('price'), mean: Avg('price'), low: Min('price'), high: Max('price') });
      expect(all).toEqual({ total: '16.96', mean: '2.83', low: '0.10', high: '10.05' });
      expect(typeof all.total).toBe('string');
    } finally {
      Item.objects.filter({ name__in: ['e', 'f'] }).delete();
    }
  });

  test('Decimal Sum stays exact where a float would not', () => {
    const names = ['big1', 'big2', 'big3'];
    for (const name of names) Item.objects.create({ name, price: '3333333333.33' });
    Item.objects.create({ name: 'big4', price: '0.01' });
    try {
      const result = Item.objects.filter({ name__startswith: 'big' }).aggregate({ total: Sum('price'), high: Max('price'), mean: Avg('price') });
      expect(result).toEqual({ total: '10000000000.00', high: '3333333333.33', mean: '2500000000.00' });
    } finally {
      Item.objects.filter({ name__startswith: 'big' }).delete();
    }
  });

  test('Max/Min of decimals compare numerically', () => {
    expect(Item.objects.filter({ name__in: ['c', 'd'] }).aggregate({ high: Max('price'), low: Min('price') })).toEqual({ high: '10.05', low: '3.30' });
  });

  test('aggregates of an empty set are null (Count is 0), or the default', () => {
    const empty = Item.objects.filter({ name: 'nope' });
    expect(empty.aggregate({ n: Count('id'), s: Sum('quantity'), p: Sum('price'), m: Max('small') })).toEqual({ n: 0, s: null, p: null, m: null });
    expect(empty.aggregate({ s: Sum('quantity', { default: 0 }) })).toEqual({ s: 0 });
  });

  test('Count with a filter', () => {
    expect(Item.objects.aggregate({ reds: Count('id', { filter: Q({ tag: 'red' }) }), big: Count('id', { filter: { quantity__gte: 3 } }) })).toEqual({
      reds: 2,
      big: 2,
    });
  });

  test('aggregate over filtered rows and over expressions', () => {
    expect(Item.objects.filter({ tag: 'red' }).aggregate({ s: Sum('quantity') })).toEqual({ s: 5 });
    expect(Item.objects.aggregate({ s: Sum(F('quantity').mul(F('small'))) })).toEqual({ s: 53 });
  });

  test('annotate + values() groups by the values', () => {
    const rows = Item.objects.values('tag').annotate({ n: Count('id'), total: Sum('quantity'), money: Sum('price') }).orderBy(F('tag').asc({ nullsFirst: true })).eval();
    expect(rows).toEqual([
      { tag: null, n: 1, total: 2, money: '2.20' },
      { tag: 'blue', n: 1, total: 3, money: '3.30' },
      { tag: 'red', n: 2, total: 5, money: '11.15' },
    ]);
  });

  test('grouped results can be filtered on the aggregate (HAVING)', () => {
    const rows = Item.objects.values('tag').annotate({ n: Count('id') }).filter({ n__gt: 1 }).valuesList('tag', 'n').eval();
    expect(rows).toEqual([['red', 2]]);
  });

  test('count() of a grouped queryset counts the groups', () => {
    expect(Item.objects.values('tag').annotate({ n: Count('id') }).count()).toBe(3);
  });

  test('annotate with an aggregate on model rows is per row', () => {
    const rows = Item.objects.annotate({ n: Count('id') }).orderBy('name').eval();
    expect(rows.map((row) => (row as unknown as { n: number }).n)).toEqual([1, 1, 1, 1]);
  });

  test('aggregates are callable with and without new', () => {
    expect(Item.objects.aggregate({ n: new Count('id'), m: new Max('quantity') })).toEqual({ n: 4, m: 4 });
  });
});
