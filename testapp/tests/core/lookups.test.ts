/**
 * Every field lookup and transform of API.md section 3 on one table, including JSON key paths and
 * chained transforms. Each case lists the rows that must match; the data is set up so that a lookup
 * that ignored its operator, its case rule or its escaping would match a different set.
 */
import { captureQueries, Q, ValidationError, type Lookups } from '../../../src';
import { Item } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();

/** Names of the rows matching `lookups`, sorted (JS order, independent of SQL collation). */
function names(lookups: Lookups): string[] {
  return Item.objects.filter(lookups).valuesList('name', { flat: true }).eval().map(String).sort();
}

beforeAll(() => {
  clearTables(Item);
  Item.objects.create({
    name: 'Alpha',
    quantity: 1,
    tag: 'red',
    price: '9.50',
    description: 'The quick brown fox',
    releaseDate: '2024-01-15',
    happenedAt: new Date('2024-01-15T08:05:00Z'), // a Monday
    opensAt: '08:30:00',
    data: { owner: { name: 'Ann', age: 30 }, tags: ['x', 'y'] },
  });
  Item.objects.create({
    name: 'beta',
    quantity: 5,
    tag: null,
    price: '10.00',
    description: 'lazy dog 100%',
    releaseDate: '2023-06-30',
    happenedAt: new Date('2023-06-30T23:59:00Z'), // a Friday
    opensAt: '12:00:00',
    data: { owner: { name: 'Bob', age: 45 } },
  });
  Item.objects.create({
    name: 'Gamma',
    quantity: 10,
    tag: 'blue',
    price: '100.00',
    description: 'under_score',
    releaseDate: null,
    happenedAt: new Date('2024-12-01T14:45:30Z'), // a Sunday
    opensAt: '23:15:00',
    data: { owner: { name: 'ann' }, tags: [] },
  });
  Item.objects.create({
    name: 'delta',
    quantity: 0,
    tag: 'red',
    price: '0.50',
    description: 'a.b*c?[d]',
    releaseDate: '2024-02-29',
    happenedAt: null,
    opensAt: null,
    data: null,
  });
});

describe('comparison lookups', () => {
  test('exact (implicit and explicit) is case-sensitive', () => {
    expect(names({ name: 'Alpha' })).toEqual(['Alpha']);
    expect(names({ name__exact: 'Alpha' })).toEqual(['Alpha']);
    expect(names({ name: 'alpha' })).toEqual([]);
    expect(names({ quantity: 5 })).toEqual(['beta']);
  });

  test('exact null means isnull', () => {
    expect(names({ tag: null })).toEqual(['beta']);
    expect(names({ tag__exact: null })).toEqual(['beta']);
  });

  test('undefined is not a lookup value: an error naming the key, never a silent IS NULL', () => {
    const undefinedLookups: Array<Record<string, unknown>> = [{ id: undefined }, { tag: undefined }, { tag__exact: undefined }, { quantity__gt: undefined }];
    for (const lookups of undefinedLookups) {
      const key = Object.keys(lookups)[0]!;
      for (const run of [() => Item.objects.filter(lookups).count(), () => Item.objects.exclude(lookups).count(), () => Item.objects.get(lookups)]) {
        expect(run).toThrow(ValidationError);
        expect(run).toThrow(`${key}: undefined is not a lookup value`);
      }
    }
    expect(() => Item.objects.filter(Q({ tag: 'red' }).or(Q({ tag: undefined })))).toThrow(/tag: undefined is not a lookup value/);
    expect(names({ tag: null })).toEqual(['beta']);
  });

  test('iexact ignores case and treats LIKE wildcards literally', () => {
    expect(names({ name__iexact: 'ALPHA' })).toEqual(['Alpha']);
    expect(names({ name__iexact: 'gAmMa' })).toEqual(['Gamma']);
    expect(names({ name__iexact: '%' })).toEqual([]);
    expect(names({ name__iexact: 'alph_' })).toEqual([]);
  });

  test('gt, gte, lt, lte', () => {
    expect(names({ quantity__gt: 5 })).toEqual(['Gamma']);
    expect(names({ quantity__gte: 5 })).toEqual(['Gamma', 'beta']);
    expect(names({ quantity__lt: 5 })).toEqual(['Alpha', 'delta']);
    expect(names({ quantity__lte: 5 })).toEqual(['Alpha', 'beta', 'delta']);
    expect(names({ quantity__gt: 1, quantity__lt: 10 })).toEqual(['beta']);
  });

  test('gt/lt on decimals compare numerically', () => {
    expect(names({ price__lt: '10' })).toEqual(['Alpha', 'delta']);
    expect(names({ price__gt: '9.5' })).toEqual(['Gamma', 'beta']);
    expect(names({ price__lte: '10.00' })).toEqual(['Alpha', 'beta', 'delta']);
  });

  test('in (with values, an empty list, and nulls ignored)', () => {
    expect(names({ name__in: ['Alpha', 'delta', 'nope'] })).toEqual(['Alpha', 'delta']);
    expect(names({ quantity__in: [0, 10] })).toEqual(['Gamma', 'delta']);
    expect(names({ name__in: [] })).toEqual([]);
    expect(names({ tag__in: ['red', null] })).toEqual(['Alpha', 'delta']);
    expect(names({ pk__in: new Set([Item.objects.get({ name: 'beta' }).pk]) })).toEqual(['beta']);
  });

  test('range is inclusive on both ends', () => {
    expect(names({ quantity__range: [1, 5] })).toEqual(['Alpha', 'beta']);
    expect(names({ releaseDate__range: ['2024-01-15', '2024-02-29'] })).toEqual(['Alpha', 'delta']);
    expect(names({ happenedAt__range: [new Date('2023-01-01T00:00:00Z'), new Date('2024-01-15T08:05:00Z')] })).toEqual(['Alpha', 'beta']);
  });

  test('isnull', () => {
    expect(names({ tag__isnull: true })).toEqual(['beta']);
    expect(names({ tag__isnull: false })).toEqual(['Alpha', 'Gamma', 'delta']);
    expect(names({ releaseDate__isnull: true })).toEqual(['Gamma']);
    expect(names({ data__isnull: true })).toEqual(['delta']);
  });

  test('dates and datetimes compare chronologically', () => {
    expect(names({ releaseDate__gt: '2024-01-01' })).toEqual(['Alpha', 'delta']);
    expect(names({ happenedAt__lt: new Date('2024-01-15T08:05:00.001Z') })).toEqual(['Alpha', 'beta']);
    expect(names({ happenedAt: new Date('2024-12-01T14:45:30Z') })).toEqual(['Gamma']);
    expect(names({ opensAt__gte: '12:00' })).toEqual(['Gamma', 'beta']);
  });
});

describe('querysets as values', () => {
  test('a queryset is the right-hand side of __in (one statement, a subquery)', () => {
    const red = Item.objects.filter({ tag: 'red' });
    expect(names({ pk__in: red })).toEqual(['Alpha', 'delta']);
    expect(names({ name__in: Item.objects.filter({ quantity__gte: 5 }).values('name') })).toEqual(['Gamma', 'beta']);
    expect(Item.objects.exclude({ pk__in: red }).valuesList('name', { flat: true }).eval().map(String).sort()).toEqual(['Gamma', 'beta']);
    const queries = captureQueries(() => names({ pk__in: red.orderBy('-name').slice(0, 1) }));
    expect(queries).toHaveLength(1);
    expect(queries[0]!.sql).toMatch(/IN \(SELECT/);
    expect(names({ pk__in: red.orderBy('-name').slice(0, 1) })).toEqual(['delta']);
  });
});

describe('pattern lookups', () => {
  test('contains is case-sensitive, icontains is not', () => {
    expect(names({ name__contains: 'lph' })).toEqual(['Alpha']);
    expect(names({ name__contains: 'LPH' })).toEqual([]);
    expect(names({ name__icontains: 'LPH' })).toEqual(['Alpha']);
    expect(names({ description__icontains: 'QUICK' })).toEqual(['Alpha']);
  });

  test('wildcard characters in the value are literal', () => {
    expect(names({ description__contains: '%' })).toEqual(['beta']);
    expect(names({ description__icontains: '%' })).toEqual(['beta']);
    expect(names({ description__contains: '_' })).toEqual(['Gamma']);
    expect(names({ description__icontains: '_' })).toEqual(['Gamma']);
    expect(names({ description__contains: '*' })).toEqual(['delta']);
    expect(names({ description__contains: '?' })).toEqual(['delta']);
    expect(names({ description__contains: '[d]' })).toEqual(['delta']);
    expect(names({ description__icontains: '.' })).toEqual(['delta']);
  });

  test('startswith / istartswith', () => {
    expect(names({ name__startswith: 'A' })).toEqual(['Alpha']);
    expect(names({ name__startswith: 'a' })).toEqual([]);
    expect(names({ name__istartswith: 'a' })).toEqual(['Alpha']);
    expect(names({ name__istartswith: 'G' })).toEqual(['Gamma']);
  });

  test('endswith / iendswith', () => {
    expect(names({ name__endswith: 'ta' })).toEqual(['beta', 'delta']);
    expect(names({ name__endswith: 'TA' })).toEqual([]);
    expect(names({ name__iendswith: 'TA' })).toEqual(['beta', 'delta']);
    expect(names({ description__endswith: '100%' })).toEqual(['beta']);
  });

  test('regex is case-sensitive, iregex is not', () => {
    expect(names({ name__regex: '^[A-Z]' })).toEqual(['Alpha', 'Gamma']);
    expect(names({ name__regex: '^[a-c]' })).toEqual(['beta']);
    expect(names({ name__iregex: '^[a-c]' })).toEqual(['Alpha', 'beta']);
    expect(names({ description__regex: '\\d{3}%$' })).toEqual(['beta']);
  });
});

describe('date and time transforms (UTC)', () => {
  test('date', () => {
    expect(names({ happenedAt__date: '2024-01-15' })).toEqual(['Alpha']);
    expect(names({ happenedAt__date: new Date('2023-06-30T00:00:00Z') })).toEqual(['beta']);
  });

  test('year, month, day on DateTimeField and DateField', () => {
    expect(names({ happenedAt__year: 2024 })).toEqual(['Alpha', 'Gamma']);
    expect(names({ releaseDate__year: 2024 })).toEqual(['Alpha', 'delta']);
    expect(names({ happenedAt__month: 6 })).toEqual(['beta']);
    expect(names({ releaseDate__month: 2 })).toEqual(['delta']);
    expect(names({ happenedAt__day: 30 })).toEqual(['beta']);
    expect(names({ releaseDate__day: 29 })).toEqual(['delta']);
  });

  test('week_day counts 1 = Sunday ... 7 = Saturday', () => {
    expect(names({ happenedAt__week_day: 2 })).toEqual(['Alpha']);
    expect(names({ happenedAt__week_day: 6 })).toEqual(['beta']);
    expect(names({ happenedAt__week_day: 1 })).toEqual(['Gamma']);
    expect(names({ releaseDate__week_day: 5 })).toEqual(['delta']); // 2024-02-29 was a Thursday
  });

  test('hour and minute on DateTimeField and TimeField', () => {
    expect(names({ happenedAt__hour: 23 })).toEqual(['beta']);
    expect(names({ happenedAt__hour: 8 })).toEqual(['Alpha']);
    expect(names({ happenedAt__minute: 45 })).toEqual(['Gamma']);
    expect(names({ opensAt__hour: 12 })).toEqual(['beta']);
    expect(names({ opensAt__minute: 15 })).toEqual(['Gamma']);
  });

  test('transforms chain with a lookup', () => {
    expect(names({ happenedAt__month__gt: 6 })).toEqual(['Gamma']);
    expect(names({ happenedAt__month__gte: 6 })).toEqual(['Gamma', 'beta']);
    expect(names({ happenedAt__year__lt: 2024 })).toEqual(['beta']);
    expect(names({ happenedAt__year__in: [2023] })).toEqual(['beta']);
    expect(names({ releaseDate__day__lte: 15 })).toEqual(['Alpha']);
    expect(names({ happenedAt__date__gt: '2024-01-01' })).toEqual(['Alpha', 'Gamma']);
    expect(names({ happenedAt__hour__range: [8, 14] })).toEqual(['Alpha', 'Gamma']);
    expect(names({ happenedAt__date__year: 2023 })).toEqual(['beta']);
  });
});

describe('JSON key paths', () => {
  test('a value JSON cannot hold is refused as the field refuses it, not matched as nothing', () => {
    for (const value of [Symbol('s'), () => 1, NaN, { ratio: Infinity }]) {
      expect(() => Item.objects.filter({ data: value }).count()).toThrow(ValidationError);
      expect(() => Item.objects.filter({ data: value }).count()).toThrow('data: ');
    }
    for (const value of [Symbol('s'), () => 1]) {
      expect(() => Item.objects.filter({ data__owner: value }).count()).toThrow(ValidationError);
      expect(() => Item.objects.filter({ data__owner: value }).count()).toThrow('data__owner: ');
    }
    expect(names({ data__owner__name__in: ['Ann'] })).toEqual(['Alpha']);
  });

  test('nested keys compare with the JSON value', () => {
    expect(names({ data__owner__name: 'Ann' })).toEqual(['Alpha']);
    expect(names({ data__owner__name: 'ann' })).toEqual(['Gamma']);
    expect(names({ data__owner__age: 45 })).toEqual(['beta']);
  });

  test('lookups apply to the extracted value', () => {
    expect(names({ data__owner__age__gt: 40 })).toEqual(['beta']);
    expect(names({ data__owner__age__lte: 45 })).toEqual(['Alpha', 'beta']);
    expect(names({ data__owner__name__iexact: 'ANN' })).toEqual(['Alpha', 'Gamma']);
    expect(names({ data__owner__name__startswith: 'B' })).toEqual(['beta']);
    expect(names({ data__owner__name__in: ['Bob', 'ann'] })).toEqual(['Gamma', 'beta']);
  });

  test('array indexes and missing keys', () => {
    expect(names({ data__tags__0: 'x' })).toEqual(['Alpha']);
    expect(names({ data__tags__1: 'y' })).toEqual(['Alpha']);
    expect(names({ data__owner__age__isnull: true })).toEqual(['Gamma', 'delta']);
    expect(names({ data__owner__age__isnull: false })).toEqual(['Alpha', 'beta']);
  });

  test('a key that looks like SQL is only a key', () => {
    expect(names({ ['data__x") OR 1=1 --']: 1 })).toEqual([]);
    expect(Item.objects.count()).toBe(4);
  });
});
