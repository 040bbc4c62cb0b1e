/**
 * Bad input (API.md sections 3, 7 and 8): unknown names fail at the chaining call before any SQL, with the
 * valid choices; bad values are ValidationError / IntegrityError / TypeError; injection attempts through
 * values, lookup keys, ordering and aliases leave the database intact.
 */
import {
  captureQueries,
  F,
  FieldError,
  ImproperlyConfigured,
  IntegrityError,
  Q,
  Sum,
  ValidationError,
  Value,
} from '../../../src';
import * as threadorm from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { Item, Shelf } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();

beforeEach(() => {
  clearTables(Item, Shelf);
  Item.objects.create({ name: 'apple', quantity: 3 });
  Item.objects.create({ name: 'banana', quantity: 1 });
});

/** Runs `fn`, which must throw `cls`; returns the error and checks that no statement ran. */
function failsBeforeSql<E extends Error>(cls: new (...args: any[]) => E, fn: () => unknown): E {
  let caught: unknown;
  const queries = captureQueries(() => {
    try {
      fn();
    } catch (error) {
      caught = error;
    }
  });
  expect(caught).toBeInstanceOf(cls);
  expect(queries).toEqual([]);
  return caught as E;
}

function tableIsIntact(): void {
  expect(Item.objects.count()).toBe(2);
  const connection = getConnection('test');
  expect(connection.backend.introspection(connection).tableNames()).toContain('inventory_item');
}

describe('unknown fields and lookups', () => {
  test('an unknown field in filter() is a FieldError naming it and listing the choices, before any SQL', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const error = failsBeforeSql(FieldError, () => Item.objects.filter({ nope: 1 }));
    expect(error.message).toMatch(/'nope'/);
    expect(error.message).toMatch(/Item/);
    expect(error.message).toMatch(/Choices are: .*\bname\b/);
    expect(error.message).toMatch(/\bquantity\b/);
    expect(error.message).toMatch(/\bhappenedAt\b/);
  });

  test('every chaining method that takes names checks them at the call', () => {
    const calls: Array<[string, () => unknown]> = [
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['exclude', () => Item.objects.exclude({ nope: 1 })],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['filter(Q)', () => Item.objects.filter(Q({ name: 'a' }).or(Q({ nope: 2 })))],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['orderBy', () => Item.objects.orderBy('-nope')],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['values', () => Item.objects.values('name', 'nope')],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['valuesList', () => Item.objects.valuesList('nope', { flat: true })],
      ['annotate F', () => Item.objects.annotate({ x: F('nope') })],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['annotate Sum', () => Item.objects.annotate({ x: Sum('nope') })],
      ['alias', () => Item.objects.alias({ x: F('nope').add(1) })],
      ['filter F', () => Item.objects.filter({ quantity__gt: F('nope') })],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['defer', () => Item.objects.defer('nope')],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['only', () => Item.objects.only('name', 'nope')],
      // @ts-expect-error misuse on purpose: the run-time check is under test
      ['get', () => Item.objects.get({ nope: 1 })],
    ];
    for (const [label, call] of calls) {
      const error = failsBeforeSql(FieldError, call);
      expect([label, error.message]).toEqual([label, expect.stringMatching(/nope/)]);
    }
  });

  test('an unknown lookup is a FieldError listing the lookups of that field', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const error = failsBeforeSql(FieldError, () => Item.objects.filter({ name__sorta: 'x' }));
    expect(error.message).toMatch(/'sorta'/);
    expect(error.message).toMatch(/CharField/);
    expect(error.message).toMatch(/icontains/);
    expect(error.message).toMatch(/startswith/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const transformError = failsBeforeSql(FieldError, () => Item.objects.filter({ happenedAt__fortnight: 2 }));
    expect(transformError.message).toMatch(/'fortnight'/);
    expect(transformError.message).toMatch(/\byear\b/);
    expect(transformError.message).toMatch(/\bweek_day\b/);
  });

  test('a transform on a field that has none, or a lookup in the middle, is a FieldError', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(failsBeforeSql(FieldError, () => Item.objects.filter({ quantity__year: 2024 })).message).toMatch(/'year'/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(failsBeforeSql(FieldError, () => Item.objects.filter({ name__exact__iexact: 'x' })).message).toMatch(/exact/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(failsBeforeSql(FieldError, () => Item.objects.filter({ happenedAt__year__fortnight: 1 })).message).toMatch(/fortnight/);
  });

  test('a lookup inside F() is refused', () => {
    failsBeforeSql(FieldError, () => Item.objects.filter({ quantity: F('quantity__gt') }));
  });

  test('update() with an unknown field is a FieldError and changes nothing', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.update({ nope: 1 })).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.update({ nope: 1 })).toThrow(/nope/);
    expect(Item.objects.filter({ quantity: 1 }).count()).toBe(1);
  });

  test('an annotation may not shadow a field', () => {
    expect(() => Item.objects.annotate({ name: Value('x') })).toThrow(FieldError);
  });

  test('non-object filter arguments are a TypeError', () => {
    expect(() => Item.objects.filter('name' as never)).toThrow(TypeError);
    expect(() => Q(['name'] as never)).toThrow(TypeError);
  });
});

describe('bad values', () => {
  test('a value of the wrong type in a filter is a ValidationError naming the lookup', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const error = failsBeforeSql(ValidationError, () => Item.objects.filter({ quantity: 'lots' }));
    expect(error.message).toMatch(/quantity/);
    expect(error.message).toMatch(/integer/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ happenedAt__gt: 'not a date' }));
    failsBeforeSql(ValidationError, () => Item.objects.filter({ releaseDate: '2024-13-01' }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ tag__isnull: 'yes' }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ quantity__in: 3 }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ quantity__range: [1] }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ name__gt: null }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    failsBeforeSql(ValidationError, () => Item.objects.filter({ name__contains: { a: 1 } }));
  });

  test('a model instance compared with a plain field is a TypeError', () => {
    const apple = Item.objects.get({ name: 'apple' });
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.filter({ quantity: apple })).toThrow(TypeError);
  });

  test('a wrong type on save is a ValidationError naming the model and field', () => {
    let caught: unknown;
    try {
      Item.objects.create({ name: 'x', happenedAt: 'yesterday' as unknown as Date });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors).toHaveProperty('happenedAt');
    expect((caught as Error).message).toMatch(/^Item: happenedAt:/);
    expect(() => Item.objects.create({ name: 'x', active: 'maybe' as unknown as boolean })).toThrow(ValidationError);
    expect(() => Item.objects.create({ name: 'x', data: (() => 1) as never })).toThrow(ValidationError);
    expect(() => Item.objects.create({ name: 'x', duration: '1h' as unknown as number })).toThrow(ValidationError);
    expect(Item.objects.count()).toBe(2);
  });

  test('too long a string is a ValidationError, in save(), create() and update()', () => {
    const item = Item.objects.get({ name: 'apple' });
    item.name = 'a'.repeat(21);
    expect(() => item.save()).toThrow(ValidationError);
    expect(() => Item.objects.create({ name: 'b'.repeat(21) })).toThrow(ValidationError);
    expect(() => Item.objects.filter({ name: 'apple' }).update({ name: 'c'.repeat(21) })).toThrow(ValidationError);
    expect(() => Item.objects.create({ name: 'ok', code: 'TOOLONGCODE' })).toThrow(/at most 8 characters/);
    expect(Item.objects.valuesList('name', { flat: true }).eval()).toEqual(['apple', 'banana']);
  });

  test('null into a non-null column is an IntegrityError naming the column', () => {
    let caught: unknown;
    try {
      Item.objects.create({ name: 'x', quantity: null as unknown as number });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IntegrityError);
    expect((caught as Error).message).toMatch(/NOT NULL/);
    expect((caught as Error).message).toMatch(/quantity/);
    expect(() => Item.objects.filter({ name: 'apple' }).update({ name: null })).toThrow(IntegrityError);
    expect(Item.objects.count()).toBe(2);
  });

  test('a unique violation is an IntegrityError, on insert and on update', () => {
    Item.objects.create({ name: 'x', slug: 'one' });
    const other = Item.objects.create({ name: 'y', slug: 'two' });
    expect(() => Item.objects.create({ name: 'z', slug: 'one' })).toThrow(IntegrityError);
    other.slug = 'one';
    expect(() => other.save()).toThrow(IntegrityError);
    expect(() => Item.objects.filter({ slug: 'two' }).update({ slug: 'one' })).toThrow(IntegrityError);
    expect(Item.objects.filter({ slug: 'two' }).count()).toBe(1);
  });

  test('an unknown constructor key is a TypeError naming it and listing the fields', () => {
    let caught: unknown;
    try {
      new Item({ name: 'x', colour: 'red' } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).message).toMatch(/'colour'/);
    expect((caught as Error).message).toMatch(/Item/);
    expect((caught as Error).message).toMatch(/\bquantity\b/);
    expect(() => Item.objects.create({ name: 'x', colour: 'red' } as never)).toThrow(TypeError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.getOrCreate({ name: 'x' }, { defaults: { colour: 'red' } })).toThrow(TypeError);
    expect(Item.objects.count()).toBe(2);
  });
});

describe('injection attempts leave the database intact', () => {
  const payloads = [
    "x'); DROP TABLE inventory_item; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    'x"; DELETE FROM inventory_item; --',
    '%',
    '_',
    '\\',
  ];

  test('in values: stored and matched literally', () => {
    for (const payload of payloads) {
      const item = Item.objects.create({ name: payload.slice(0, 20), description: payload });
      expect(Item.objects.get({ pk: item.pk }).description).toBe(payload);
      expect(Item.objects.filter({ description: payload }).count()).toBe(1);
      expect(Item.objects.filter({ description__contains: payload }).count()).toBe(1);
      expect(Item.objects.filter({ description__icontains: payload }).count()).toBe(1);
      expect(Item.objects.filter({ description__iexact: payload }).count()).toBe(1);
      expect(Item.objects.filter({ name: payload }).count()).toBe(payload.length <= 20 ? 1 : 0);
      Item.objects.filter({ pk: item.pk }).update({ tag: payload.slice(0, 10) });
      Item.objects.filter({ pk: item.pk }).delete();
      tableIsIntact();
    }
  });

  test('in lookup keys, ordering, values() names and F(): FieldError, no SQL', () => {
    const keys = ["name = 'x' OR 1=1 --", 'name") OR 1=1 --', 'name; DROP TABLE inventory_item', 'name__exact OR 1'];
    for (const key of keys) {
      failsBeforeSql(FieldError, () => Item.objects.filter({ [key]: 'x' }));
      failsBeforeSql(FieldError, () => Item.objects.exclude({ [key]: 'x' }));
      failsBeforeSql(FieldError, () => Item.objects.orderBy(key));
      failsBeforeSql(FieldError, () => Item.objects.values(key));
      failsBeforeSql(FieldError, () => Item.objects.filter({ name: F(key) }));
    }
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.update({ ['name" = 1; DROP TABLE inventory_item; --']: 'x' })).toThrow(FieldError);
    tableIsIntact();
  });

  test('in annotation aliases and JSON keys', () => {
    const alias = 'x" FROM inventory_item; DROP TABLE inventory_item; --';
    const rows = Item.objects.annotate({ [alias]: Value(1) }).values('name', alias).eval();
    expect(rows).toEqual([
      { name: 'apple', [alias]: 1 },
      { name: 'banana', [alias]: 1 },
    ]);
    expect(Item.objects.filter({ ["data__a'); DROP TABLE inventory_item; --"]: 1 }).count()).toBe(0);
    expect(Item.objects.filter({ 'data__a"]': 1 }).count()).toBe(0);
    tableIsIntact();
  });

  test('in raw() parameters', () => {
    expect(Item.objects.raw('SELECT * FROM inventory_item WHERE name = ?', ["apple' OR 1=1 --"])).toEqual([]);
    tableIsIntact();
  });

  test('in regex patterns', () => {
    expect(Item.objects.filter({ name__regex: "' OR 1=1 --" }).count()).toBe(0);
    expect(Item.objects.filter({ name__regex: "a'\\) OR 1=1 --" }).count()).toBe(0);
    const error = failsBeforeSql(ValidationError, () => Item.objects.filter({ name__regex: "') OR 1=1 --" }));
    expect(error.message).toMatch(/name__regex/);
    expect(error.message).toMatch(/regular expression/);
    failsBeforeSql(ValidationError, () => Item.objects.filter({ name__iregex: '[' }));
    expect(Item.objects.filter({ name__iregex: '^A' }).count()).toBe(1);
    tableIsIntact();
  });
});

test('every error class of API.md section 7 is exported from the root', () => {
  const names = [
    'ObjectDoesNotExist',
    'MultipleObjectsReturned',
    'FieldError',
    'ValidationError',
    'IntegrityError',
    'ProtectedError',
    'RestrictedError',
    'SynchronousOnlyOperation',
    'UnprefetchedRelatedModelAccessError',
    'QueryCancelled',
    'WorkerCrashed',
    'ImproperlyConfigured',
  ] as const;
  for (const name of names) {
    const cls = (threadorm as unknown as Record<string, new (message: string) => Error>)[name];
    expect([name, typeof cls]).toEqual([name, 'function']);
    const instance = new cls('message');
    expect(instance).toBeInstanceOf(Error);
    expect(instance.name).toBe(name);
  }
  expect(new threadorm.ProtectedError('x')).toBeInstanceOf(IntegrityError);
  expect(new threadorm.RestrictedError('x')).toBeInstanceOf(IntegrityError);
  expect(new ImproperlyConfigured('x')).toBeInstanceOf(Error);
  // Django's hierarchy: what the database reports is a DatabaseError of some kind.
  for (const name of ['IntegrityError', 'OperationalError', 'DataError', 'NotSupportedError'] as const) {
    expect([name, new threadorm[name]('x') instanceof threadorm.DatabaseError]).toEqual([name, true]);
  }
});

describe('error messages name the call', () => {
  it('orderBy(), values() and valuesList() name themselves, not F()', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.orderBy('-nope')).toThrow(/Item\.objects\.orderBy\(\): cannot resolve 'nope'/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.values('nope')).toThrow(/Item\.objects\.values\(\): cannot resolve 'nope'/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Item.objects.valuesList('nope', { flat: true })).toThrow(/Item\.objects\.valuesList\(\): cannot resolve 'nope'/);
  });
});
