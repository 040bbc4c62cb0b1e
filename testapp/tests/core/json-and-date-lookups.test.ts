/**
 * Django's JSONField lookups and the remaining date/time transforms, each on data set up so that a lookup
 * that ignored its rule would match another set of rows: JSON null apart from a missing key, containment
 * by structure (not by text), keys at any depth; `time`, `iso_year`, `iso_week_day`, `quarter`, `week`
 * at year boundaries, where ISO weeks and calendar years disagree.
 */
import { Count, FieldError, type JsonValue, type Lookups } from '../../../src';
import { jsonContains } from '../../../src/db/backends/sqlite/json-containment';
import { Item } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();

function names(lookups: Lookups): string[] {
  return Item.objects.filter(lookups).valuesList('name', { flat: true }).eval().map(String).sort();
}
function excluded(lookups: Lookups): string[] {
  return Item.objects.exclude(lookups).valuesList('name', { flat: true }).eval().map(String).sort();
}

beforeAll(() => {
  clearTables(Item);
  const rows: Array<[string, JsonValue, string | null, string | null]> = [
    // name, data, happenedAt, releaseDate
    ['ann', { owner: { name: 'Ann', age: 30 }, tags: ['x', 'y'], size: 1 }, '2024-12-30T08:05:00.000Z', '2021-01-03'],
    ['bob', { owner: { name: 'Bob', age: null }, tags: ['y'], nested: { deep: { flag: true } } }, '2024-01-01T23:59:59.250Z', '2024-03-31'],
    ['cid', { owner: { name: 'Cid' }, tags: [], size: 2 }, '2023-07-01T12:00:00.000Z', '2024-04-01'],
    ['dee', { owner: null, size: '1' }, '2021-01-03T00:00:00.000Z', '2020-12-31'],
    ['eve', ['x', 'y', { k: 1 }], null, null],
    ['fay', null, null, null],
  ];
  for (const [name, data, happenedAt, releaseDate] of rows) {
    Item.objects.create({ name, data, happenedAt: happenedAt ? new Date(happenedAt) : null, releaseDate });
  }
});

describe('JSONField: has_key, has_keys, has_any_keys', () => {
  test('has_key on the field and on a nested key', () => {
    expect(names({ data__has_key: 'size' })).toEqual(['ann', 'cid', 'dee']);
    expect(names({ data__has_key: 'owner' })).toEqual(['ann', 'bob', 'cid', 'dee']); // a JSON null value is a present key
    expect(names({ data__owner__has_key: 'age' })).toEqual(['ann', 'bob']);
    expect(names({ data__nested__deep__has_key: 'flag' })).toEqual(['bob']);
  });

  test('has_keys needs every key, has_any_keys one of them', () => {
    expect(names({ data__has_keys: ['owner', 'size'] })).toEqual(['ann', 'cid', 'dee']);
    expect(names({ data__has_keys: ['owner', 'nested'] })).toEqual(['bob']);
    expect(names({ data__has_any_keys: ['nested', 'size'] })).toEqual(['ann', 'bob', 'cid', 'dee']);
    expect(names({ data__has_any_keys: ['nope', 'nested'] })).toEqual(['bob']);
    expect(names({ data__owner__has_keys: ['name', 'age'] })).toEqual(['ann', 'bob']);
    expect(names({ data__has_any_keys: [] })).toEqual([]);
  });

  test('a key with quotes is a key, not SQL', () => {
    expect(names({ data__has_key: `x") OR 1=1 --` })).toEqual([]);
    expect(names({ data__has_any_keys: [`'; DROP TABLE inventory_item; --`] })).toEqual([]);
    expect(Item.objects.count()).toBe(6);
  });

  test('exclude() keeps the complement', () => {
    expect(excluded({ data__has_key: 'size' })).toEqual(['bob', 'eve', 'fay']);
  });
});

describe('JSONField: contains and contained_by compare structure', () => {
  test('objects contain the pairs they hold, at any depth', () => {
    expect(names({ data__contains: { owner: { name: 'Ann' } } })).toEqual(['ann']);
    expect(names({ data__contains: { size: 1 } })).toEqual(['ann']); // not dee's string '1'
    expect(names({ data__contains: { owner: null } })).toEqual(['dee']);
    expect(names({ data__contains: {} })).toEqual(['ann', 'bob', 'cid', 'dee']);
  });

  test('arrays contain the elements they hold, in any order, and a scalar they hold', () => {
    expect(names({ data__tags__contains: ['y'] })).toEqual(['ann', 'bob']);
    expect(names({ data__tags__contains: ['y', 'x'] })).toEqual(['ann']);
    expect(names({ data__contains: { tags: ['x'] } })).toEqual(['ann']);
    expect(names({ data__tags__contains: 'x' })).toEqual(['ann']);
    expect(names({ data__contains: [{ k: 1 }] })).toEqual(['eve']);
  });

  test('contained_by is the reverse', () => {
    expect(names({ data__owner__contained_by: { name: 'Cid', age: 3 } })).toEqual(['cid']);
    expect(names({ data__tags__contained_by: ['x', 'y', 'z'] })).toEqual(['ann', 'bob', 'cid']);
    expect(names({ data__contained_by: { owner: null, size: '1', extra: 1 } })).toEqual(['dee']);
  });

  test('the containment rules', () => {
    expect(jsonContains({ a: 1, b: [1, 2] }, { b: [2] })).toBe(true);
    expect(jsonContains([1, [2, 3]], [[3]])).toBe(true);
    expect(jsonContains([1, 2], 1)).toBe(true);
    expect(jsonContains(1, [1])).toBe(false);
    expect(jsonContains({ a: 1 }, { a: '1' })).toBe(false);
    expect(jsonContains(null, null)).toBe(true);
  });
});

describe('JSONField key transforms: JSON null is not a missing key', () => {
  test('__isnull: true is a missing key; a key holding null is present', () => {
    expect(names({ data__owner__age__isnull: true })).toEqual(['cid', 'dee', 'eve', 'fay']);
    expect(names({ data__owner__age__isnull: false })).toEqual(['ann', 'bob']);
    expect(names({ data__owner__isnull: false })).toEqual(['ann', 'bob', 'cid', 'dee']);
  });

  test('key: null matches a JSON null value only', () => {
    expect(names({ data__owner__age: null })).toEqual(['bob']);
    expect(names({ data__owner: null })).toEqual(['dee']);
  });

  test('the field itself: __isnull is SQL NULL', () => {
    expect(names({ data__isnull: true })).toEqual(['fay']);
  });

  test('text lookups still apply to an extracted key', () => {
    expect(names({ data__owner__name__icontains: 'i' })).toEqual(['cid']);
    expect(names({ data__owner__name__in: ['Bob', 'Ann'] })).toEqual(['ann', 'bob']);
  });

  test('JSON lookups on other fields are a FieldError listing the valid ones', () => {
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(() => Item.objects.filter({ name__has_key: 'x' })).toThrow(FieldError);
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(() => Item.objects.filter({ name__has_key: 'x' })).toThrow(/unsupported lookup 'has_key' in 'name__has_key'/);
    expect(() => Item.objects.filter({ data__has_keys: 'size' })).toThrow(/has_keys lookup takes an array of keys/);
  });
});

describe('JSONField keys compared and grouped by', () => {
  test('a key compares as JSON: the number 1 is not the string "1"', () => {
    expect(names({ data__size: 1 })).toEqual(['ann']);
    expect(names({ data__size: '1' })).toEqual(['dee']);
  });

  test('GROUP BY a key alone: values(key).annotate()', () => {
    const rows = Item.objects.values('data__owner__name').annotate({ n: Count('id') }).eval();
    const groups = rows.map((row) => [(row as Record<string, unknown>).data__owner__name ?? null, row.n]);
    expect(groups.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([['Ann', 1], ['Bob', 1], ['Cid', 1], [null, 3]]);
  });
});

describe('date and time transforms', () => {
  test('time of a DateTimeField compares with TimeField text', () => {
    expect(names({ happenedAt__time: '08:05:00' })).toEqual(['ann']);
    expect(names({ happenedAt__time: '08:05' })).toEqual(['ann']);
    expect(names({ happenedAt__time: '23:59:59.25' })).toEqual(['bob']);
    expect(names({ happenedAt__time__gte: '12:00' })).toEqual(['bob', 'cid']);
    expect(names({ happenedAt__time__hour: 0 })).toEqual(['dee']);
  });

  test('iso_year and week follow ISO 8601 weeks across year ends', () => {
    expect(names({ happenedAt__iso_year: 2025 })).toEqual(['ann']); // 2024-12-30 is in week 1 of 2025
    expect(names({ happenedAt__week: 1 })).toEqual(['ann', 'bob']);
    expect(names({ happenedAt__iso_year: 2020 })).toEqual(['dee']); // 2021-01-03 is in week 53 of 2020
    expect(names({ happenedAt__week: 53 })).toEqual(['dee']);
    expect(names({ releaseDate__iso_year: 2020 })).toEqual(['ann', 'dee']);
    expect(names({ releaseDate__week: 53 })).toEqual(['ann', 'dee']);
    expect(names({ happenedAt__year: 2024 })).toEqual(['ann', 'bob']);
  });

  test('iso_week_day counts 1 = Monday ... 7 = Sunday; week_day 1 = Sunday', () => {
    expect(names({ happenedAt__iso_week_day: 1 })).toEqual(['ann', 'bob']);
    expect(names({ happenedAt__iso_week_day: 7 })).toEqual(['dee']);
    expect(names({ happenedAt__week_day: 1 })).toEqual(['dee']);
    expect(names({ releaseDate__iso_week_day: 7 })).toEqual(['ann', 'bob']);
  });

  test('quarter', () => {
    expect(names({ releaseDate__quarter: 1 })).toEqual(['ann', 'bob']);
    expect(names({ releaseDate__quarter: 2 })).toEqual(['cid']);
    expect(names({ releaseDate__quarter: 4 })).toEqual(['dee']);
    expect(names({ happenedAt__quarter__gte: 3 })).toEqual(['ann', 'cid']);
  });

  test('a transform of another field type is a FieldError', () => {
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(() => Item.objects.filter({ releaseDate__time: '08:00' })).toThrow(FieldError);
    // @ts-expect-error: the compiler refuses this on purpose; the test checks the run-time error too
    expect(() => Item.objects.filter({ opensAt__quarter: 1 })).toThrow(FieldError);
  });
});
