/**
 * Scalar fields (API.md sections 2 and 8): every type round-trips exactly through save() and a reload,
 * and the field and meta options do what they say, checked against the real database.
 */
import { IntegrityError, ObjectDoesNotExist, UUIDField, ValidationError } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { Coupon, Item, Shelf } from '../../inventory';
import { clearTables, useDatabase } from './helpers';
import { sqliteOnlyTest } from '../test-database';

useDatabase();

beforeEach(() => clearTables(Item, Shelf, Coupon));

/** Rows straight from SQLite, bypassing the ORM's conversions. */
function sqlRows(sql: string, params: unknown[] = []): unknown[][] {
  return getConnection('test').selectRows(sql, params);
}

function reload(item: Item): Item {
  return Item.objects.get({ pk: item.pk });
}

function expectValidationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('round trips', () => {
  test('every scalar field type comes back exactly as it was saved', () => {
    const happenedAt = new Date('2024-03-10T12:34:56.789Z');
    const data = { owner: { name: 'Ann', tags: ['a', 'b'] }, n: [1, 2.5, { x: null }], flag: true, s: 'é"\'' };
    const blob = Buffer.from([0, 1, 2, 254, 255, 0]);
    const created = Item.objects.create({
      name: 'everything',
      quantity: -2147483648,
      big: 2n ** 62n + 7n,
      small: -32768,
      positive: 2147483647,
      ratio: 0.1 + 0.2,
      price: '12345678.91',
      active: false,
      description: "line one\nline 'two' \"quoted\" € 𝄞",
      email: 'ann@example.com',
      slug: 'every-thing_1',
      url: 'https://example.com/a?b=c#d',
      uuid: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
      releaseDate: '2024-02-29',
      happenedAt,
      opensAt: '23:59:59.123456',
      duration: 90061001.5,
      data,
      blob,
      tag: 'x',
      status: 'live',
      code: 'AB12',
    });
    expect(typeof created.pk).toBe('number');
    expect(created.pk).toBeGreaterThan(0);
    expect(created.id).toBe(created.pk);

    const item = reload(created);
    expect(item).not.toBe(created);
    expect(item.id).toBe(created.id);
    expect(item.name).toBe('everything');
    expect(item.quantity).toBe(-2147483648);
    expect(item.big).toBe(2n ** 62n + 7n);
    expect(typeof item.big).toBe('bigint');
    expect(item.small).toBe(-32768);
    expect(item.positive).toBe(2147483647);
    expect(item.ratio).toBe(0.1 + 0.2);
    expect(item.price).toBe('12345678.91');
    expect(item.active).toBe(false);
    expect(item.description).toBe("line one\nline 'two' \"quoted\" € 𝄞");
    expect(item.email).toBe('ann@example.com');
    expect(item.slug).toBe('every-thing_1');
    expect(item.url).toBe('https://example.com/a?b=c#d');
    expect(item.uuid).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(item.releaseDate).toBe('2024-02-29');
    expect(item.happenedAt).toBeInstanceOf(Date);
    expect(item.happenedAt!.getTime()).toBe(happenedAt.getTime());
    expect(item.opensAt).toBe('23:59:59.123456');
    expect(item.duration).toBe(90061001.5);
    expect(item.data).toEqual(data);
    expect(Buffer.isBuffer(item.blob)).toBe(true);
    expect(item.blob!.equals(blob)).toBe(true);
    expect(item.tag).toBe('x');
    expect(item.status).toBe('live');
    expect(item.code).toBe('AB12');
  });

  test('nulls round-trip as null for nullable fields', () => {
    const item = reload(Item.objects.create({ name: 'nulls' }));
    for (const name of ['big', 'ratio', 'slug', 'releaseDate', 'happenedAt', 'opensAt', 'duration', 'data', 'blob', 'tag'] as const) {
      expect([name, item[name]]).toEqual([name, null]);
    }
  });

  test('BigIntegerField keeps the whole signed 64-bit range and accepts numbers and digit strings', () => {
    const values = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n];
    const items = values.map((big, i) => Item.objects.create({ name: `b${i}`, big }));
    for (const [i, item] of items.entries()) expect(reload(item).big).toBe(values[i]);
    expect(reload(Item.objects.create({ name: 'num', big: 42 as unknown as bigint })).big).toBe(42n);
    expect(reload(Item.objects.create({ name: 'str', big: '9007199254740995' as unknown as bigint })).big).toBe(9007199254740995n);
    // values beyond 2^53 are compared exactly in SQL, not through a float
    expect(Item.objects.filter({ big: 2n ** 53n + 1n }).valuesList('name', { flat: true }).eval()).toEqual(['b2']);
    expect(Item.objects.filter({ big__gt: 2n ** 62n }).valuesList('name', { flat: true }).eval()).toEqual(['b1']);
    // other integer columns of a row with a bigint are still numbers
    const row = Item.objects.filter({ name: 'b1' }).values('quantity', 'big').get();
    expect(row).toEqual({ quantity: 0, big: 2n ** 63n - 1n });
  });

  test('BigIntegerField refuses values outside 64 bits', () => {
    const error = expectValidationError(() => Item.objects.create({ name: 'huge', big: 2n ** 63n }));
    expect(Object.keys(error.errors)).toEqual(['big']);
    expect(Item.objects.count()).toBe(0);
  });

  test('DecimalField values are exact strings, normalised to decimalPlaces', () => {
    const a = Item.objects.create({ name: 'a', price: '0.1' });
    const b = Item.objects.create({ name: 'b', price: 9.5 as unknown as string });
    const c = Item.objects.create({ name: 'c', price: '-0.07' });
    const d = Item.objects.create({ name: 'd', price: '2.345' });
    expect(a.price).toBe('0.10');
    expect([reload(a).price, reload(b).price, reload(c).price, reload(d).price]).toEqual(['0.10', '9.50', '-0.07', '2.34']);
    expect(reload(Item.objects.create({ name: 'e', price: '9999999999.99' })).price).toBe('9999999999.99');
  });

  test('DecimalField compares and sorts numerically, not as text', () => {
    for (const [name, price] of [['nine', '9.50'], ['ten', '10.00'], ['hundred', '100.00'], ['minus', '-1.00'], ['two', '2.00']]) {
      Item.objects.create({ name, price });
    }
    const byPrice = Item.objects.orderBy('price').valuesList('price', { flat: true }).eval();
    expect(byPrice).toEqual(['-1.00', '2.00', '9.50', '10.00', '100.00']);
    expect(Item.objects.orderBy('-price').valuesList('name', { flat: true }).eval()).toEqual(['hundred', 'ten', 'nine', 'two', 'minus']);
    expect(Item.objects.filter({ price__lt: '10.00' }).orderBy('price').valuesList('name', { flat: true }).eval()).toEqual(['minus', 'two', 'nine']);
    expect(Item.objects.filter({ price__gte: '9.5' }).count()).toBe(3);
    expect(Item.objects.filter({ price: '9.5' }).valuesList('name', { flat: true }).eval()).toEqual(['nine']);
    expect(Item.objects.filter({ price__range: ['2', '10'] }).orderBy('price').valuesList('name', { flat: true }).eval()).toEqual(['two', 'nine', 'ten']);
  });

  test('DateField takes strings and Dates (read in UTC); invalid dates are refused', () => {
    const fromDate = Item.objects.create({ name: 'd', releaseDate: new Date(Date.UTC(2024, 0, 31, 23, 30)) as unknown as string });
    expect(reload(fromDate).releaseDate).toBe('2024-01-31');
    expect(sqlRows('SELECT release_date FROM inventory_item WHERE id = ?', [fromDate.pk])).toEqual([['2024-01-31']]);
    expect(() => Item.objects.create({ name: 'bad', releaseDate: '2023-02-29' })).toThrow(ValidationError);
    expect(() => Item.objects.create({ name: 'bad', releaseDate: '31/01/2024' })).toThrow(ValidationError);
  });

  test('DateTimeField is stored as UTC ISO-8601 text and read back as a Date', () => {
    const instant = new Date('2024-07-01T00:30:00.000+02:00');
    const item = Item.objects.create({ name: 'dt', happenedAt: instant });
    expect(sqlRows('SELECT happened_at FROM inventory_item WHERE id = ?', [item.pk])).toEqual([['2024-06-30T22:30:00.000Z']]);
    expect(reload(item).happenedAt!.toISOString()).toBe('2024-06-30T22:30:00.000Z');
    const fromString = Item.objects.create({ name: 'dt2', happenedAt: '2024-01-02T03:04:05Z' as unknown as Date });
    expect(reload(fromString).happenedAt!.getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  test('TimeField normalises to HH:MM:SS[.ffffff] and refuses impossible times', () => {
    const a = Item.objects.create({ name: 'a', opensAt: '09:30' });
    const b = Item.objects.create({ name: 'b', opensAt: '07:05:09.5' });
    expect([reload(a).opensAt, reload(b).opensAt]).toEqual(['09:30:00', '07:05:09.500000']);
    expect(() => Item.objects.create({ name: 'c', opensAt: '24:00:00' })).toThrow(ValidationError);
  });

  test('DurationField is milliseconds', () => {
    const day = 24 * 3600 * 1000;
    const item = Item.objects.create({ name: 'd', duration: 3 * day + 0.25 });
    expect(reload(item).duration).toBe(3 * day + 0.25);
    Item.objects.create({ name: 'short', duration: 1000 });
    expect(Item.objects.filter({ duration__gt: day }).valuesList('name', { flat: true }).eval()).toEqual(['d']);
  });

  test('JSONField holds any JSON value', () => {
    const values = [[1, 'two', [3], { four: 4 }], 'text', 12.5, true, { deep: { deeper: { deepest: [null, false] } } }];
    const items = values.map((data, i) => Item.objects.create({ name: `j${i}`, data }));
    for (const [i, item] of items.entries()) expect(reload(item).data).toEqual(values[i]);
  });

  test('JSONField refuses NaN and Infinity anywhere in a value, naming the field, and writes nothing', () => {
    const lossy: unknown[] = [NaN, Infinity, -Infinity, { ratio: NaN }, [1, Infinity], { deep: { deeper: [-Infinity] } }];
    for (const data of lossy) {
      const error = expectValidationError(() => Item.objects.create({ name: 'lossy', data: data as never }));
      expect(Object.keys(error.errors)).toEqual(['data']);
      expect(error.message).toMatch(/^Item: data: /);
    }
    expect(expectValidationError(() => Item.objects.create({ name: 'nan', data: NaN as never })).message).toMatch(/NaN is not a JSON value/);
    const saved = Item.objects.create({ name: 'ok' });
    saved.data = { ratio: Infinity } as never;
    expect(expectValidationError(() => saved.save()).errors.data).toEqual(['Infinity is not a JSON value (JSON has no NaN or Infinity).']);
    expect(expectValidationError(() => Item.objects.filter({ pk: saved.pk }).update({ data: NaN as never })).errors.data).toHaveLength(1);
    expect(sqlRows('SELECT name, data FROM inventory_item')).toEqual([['ok', null]]);
  });

  test('BinaryField takes Buffers and Uint8Arrays and gives Buffers back', () => {
    const item = Item.objects.create({ name: 'bin', blob: new Uint8Array([9, 8, 7]) as unknown as Buffer });
    const loaded = reload(item);
    expect(Buffer.isBuffer(loaded.blob)).toBe(true);
    expect([...loaded.blob!]).toEqual([9, 8, 7]);
    expect(() => Item.objects.create({ name: 'bad', blob: 'not bytes' as unknown as Buffer })).toThrow(ValidationError);
  });

  test('UUIDField defaults to a fresh random UUID per instance', () => {
    const a = Item.objects.create({ name: 'a' });
    const b = Item.objects.create({ name: 'b' });
    expect(a.uuid).toMatch(UUID_RE);
    expect(b.uuid).toMatch(UUID_RE);
    expect(a.uuid).not.toBe(b.uuid);
    expect(reload(a).uuid).toBe(a.uuid);
    expect(UUIDField.random()).toMatch(UUID_RE);
    expect(() => Item.objects.create({ name: 'bad', uuid: 'not-a-uuid' })).toThrow(ValidationError);
  });

  test('AutoField primary key under another name: pk aliases it', () => {
    const shelf = Shelf.objects.create({ aisle: 'A', position: 1 });
    expect(typeof shelf.number).toBe('number');
    expect(shelf.pk).toBe(shelf.number);
    const other = Shelf.objects.create({ aisle: 'A', position: 2 });
    expect(other.pk).toBeGreaterThan(shelf.pk);
    expect(Shelf.objects.get({ number: shelf.pk }).position).toBe(1);
    expect(Shelf.objects.get({ pk: other.pk }).position).toBe(2);
    expect('id' in Shelf.objects.get({ pk: other.pk })).toBe(false);
  });

  test('a non-automatic primary key: save() inserts a new key, then updates that row', () => {
    const coupon = new Coupon({ code: 'SPRING', percent: 15 });
    expect(coupon.pk).toBe('SPRING');
    coupon.save();
    coupon.percent = 20;
    coupon.save();
    expect(Coupon.objects.count()).toBe(1);
    expect(Coupon.objects.get({ pk: 'SPRING' }).percent).toBe(20);
    // a second instance with the same key overwrites the row, as Django's save() does
    new Coupon({ code: 'SPRING', percent: 30 }).save();
    expect(Coupon.objects.valuesList('code', 'percent').eval()).toEqual([['SPRING', 30]]);
    expect(() => Coupon.objects.create({ code: 'SPRING' })).toThrow(IntegrityError);
    expect(() => Coupon.objects.create({ code: null as unknown as string })).toThrow(IntegrityError);
    const renamed = Coupon.objects.get({ pk: 'SPRING' });
    renamed.pk = 'SUMMER';
    renamed.save();
    expect(Coupon.objects.valuesList('code', { flat: true }).orderBy('code').eval()).toEqual(['SPRING', 'SUMMER']);
  });

  test('integer-family fields convert digit strings and refuse other values', () => {
    const item = Item.objects.create({ name: 'n', quantity: '12' as unknown as number, small: ' -3 ' as unknown as number });
    expect([reload(item).quantity, reload(item).small]).toEqual([12, -3]);
    const error = expectValidationError(() => Item.objects.create({ name: 'bad', quantity: 'twelve' as unknown as number }));
    expect(error.errors.quantity![0]).toMatch(/integer/);
    expect(error.message).toMatch(/Item/);
    expect(() => Item.objects.create({ name: 'bad', quantity: 1.5 })).toThrow(ValidationError);
    expect(Item.objects.count()).toBe(1);
  });

  test('BooleanField stores 0/1 and reads booleans', () => {
    const off = Item.objects.create({ name: 'off', active: false });
    const on = Item.objects.create({ name: 'on' });
    expect(sqlRows('SELECT active FROM inventory_item ORDER BY id')).toEqual([[0], [1]]);
    expect([reload(off).active, reload(on).active]).toEqual([false, true]);
    expect(Item.objects.filter({ active: true }).valuesList('name', { flat: true }).eval()).toEqual(['on']);
  });
});

describe('field options', () => {
  test('default: values, functions, and "" for a non-null string without a default', () => {
    const item = new Item({ name: 'defaults' });
    expect(item.quantity).toBe(0);
    expect(item.status).toBe('draft');
    expect(item.active).toBe(true);
    expect(item.price).toBe('0.00');
    expect(item.description).toBe('');
    expect(item.tag).toBeNull();
    item.save();
    const loaded = reload(item);
    expect([loaded.quantity, loaded.status, loaded.description, loaded.tag]).toEqual([0, 'draft', '', null]);
    const shelf = new Shelf({ aisle: 'B', position: 1 });
    expect(shelf.bornOn).toBe('2020-02-29');
    expect(shelf.label).toBe('');
  });

  test('a default function is called once per instance', () => {
    const uuids = new Set(Array.from({ length: 5 }, () => new Item({ name: 'u' }).uuid));
    expect(uuids.size).toBe(5);
  });

  test('null: false refuses null with IntegrityError and writes nothing', () => {
    expect(() => Item.objects.create({ name: null as unknown as string })).toThrow(IntegrityError);
    expect(() => Item.objects.create({ name: 'q', quantity: null as unknown as number })).toThrow(IntegrityError);
    expect(Item.objects.count()).toBe(0);
  });

  test('unique: a duplicate is an IntegrityError; NULLs do not collide', () => {
    Item.objects.create({ name: 'a', slug: 'same' });
    let caught: unknown;
    try {
      Item.objects.create({ name: 'b', slug: 'same' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IntegrityError);
    expect(String((caught as Error).message)).toMatch(/UNIQUE/i);
    Item.objects.create({ name: 'c', slug: null });
    Item.objects.create({ name: 'd', slug: null });
    expect(Item.objects.count()).toBe(3);
  });

  test('uniqueTogether: the pair is unique, each column alone is not', () => {
    Shelf.objects.create({ aisle: 'A', position: 1 });
    Shelf.objects.create({ aisle: 'A', position: 2 });
    Shelf.objects.create({ aisle: 'B', position: 1 });
    expect(() => Shelf.objects.create({ aisle: 'A', position: 1 })).toThrow(IntegrityError);
    expect(Shelf.objects.count()).toBe(3);
  });

  test('dbColumn names the column; the attribute keeps the field name', () => {
    const item = Item.objects.create({ name: 'col', code: 'XY9' });
    expect(sqlRows('SELECT item_code FROM inventory_item WHERE id = ?', [item.pk])).toEqual([['XY9']]);
    const connection = getConnection('test');
    const columns = connection.backend.introspection(connection).columns('inventory_item').map((column) => column.name);
    expect(columns).toContain('item_code');
    expect(columns).not.toContain('code');
    expect(columns).toContain('release_date');
    expect(Item.objects.filter({ code: 'XY9' }).count()).toBe(1);
    expect(Item.objects.values('code').get()).toEqual({ code: 'XY9' });
  });

  sqliteOnlyTest('dbTable, dbIndex and meta.indexes create the table and indexes (reads the SQLite catalogue)', () => {
    const tables = sqlRows("SELECT name FROM sqlite_master WHERE type = 'table'").map((row) => row[0]);
    expect(tables).toEqual(expect.arrayContaining(['inventory_item', 'shelf']));
    const indexes = sqlRows("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") as string[][];
    const onItem = indexes.filter(([, table]) => table === 'inventory_item');
    expect(onItem.some(([, , sql]) => /\("item_code"\)/.test(sql!))).toBe(true);
    const named = onItem.find(([name]) => name === 'inventory_item_qty_price');
    expect(named?.[2]).toMatch(/"quantity", "price" DESC/);
    expect(indexes.some(([, table, sql]) => table === 'shelf' && /\("label"\)/.test(sql!))).toBe(true);
    // the unique slug gets its unique constraint, not a second plain index
    expect(onItem.some(([, , sql]) => /\("slug"\)/.test(sql!))).toBe(false);
    // SQLite really uses the composite index
    expect(Item.objects.filter({ quantity: 3 }).explain()).toMatch(/inventory_item_qty_price/);
  });

  test('meta.ordering is the default order; orderBy() replaces it', () => {
    for (const name of ['pear', 'apple', 'fig']) Item.objects.create({ name });
    expect(Item.objects.valuesList('name', { flat: true }).eval()).toEqual(['apple', 'fig', 'pear']);
    expect(Item.objects.orderBy('-name').valuesList('name', { flat: true }).eval()).toEqual(['pear', 'fig', 'apple']);
  });

  test('maxLength is checked on save, counting characters, not bytes', () => {
    Item.objects.create({ name: '🍕'.repeat(20) });
    const error = expectValidationError(() => Item.objects.create({ name: 'x'.repeat(21) }));
    expect(error.errors).toEqual({ name: ['Ensure this value has at most 20 characters (it has 21).'] });
    expect(error.message).toMatch(/^Item: name:/);
    expect(Item.objects.count()).toBe(1);
  });

  test('autoNowAdd stamps the first save only; autoNow stamps every save', async () => {
    const before = Date.now();
    const item = Item.objects.create({ name: 'stamp' });
    const after = Date.now();
    expect(item.createdAt).toBeInstanceOf(Date);
    expect(item.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(item.createdAt.getTime()).toBeLessThanOrEqual(after);
    expect(item.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
    const created = item.createdAt.getTime();
    const firstUpdate = item.updatedAt.getTime();
    await new Promise((resolve) => setTimeout(resolve, 5));
    item.name = 'stamp2';
    item.save();
    const loaded = reload(item);
    expect(loaded.createdAt.getTime()).toBe(created);
    expect(loaded.updatedAt.getTime()).toBeGreaterThan(firstUpdate);
    expect(loaded.updatedAt.getTime()).toBe(item.updatedAt.getTime());
    // a value given for an autoNowAdd field is overwritten on insert, as Django does
    const given = Item.objects.create({ name: 'given', createdAt: new Date('2000-01-01T00:00:00Z') });
    expect(given.createdAt.getUTCFullYear()).toBeGreaterThan(2000);
  });

  test('save({ updateFields }) writes only the named fields', () => {
    const item = Item.objects.create({ name: 'orig', quantity: 1 });
    const stale = reload(item);
    item.quantity = 5;
    item.name = 'changed';
    item.save({ updateFields: ['quantity'] });
    const loaded = reload(item);
    expect([loaded.name, loaded.quantity]).toEqual(['orig', 5]);
    stale.tag = 't';
    stale.save({ updateFields: ['tag'] });
    expect([reload(item).quantity, reload(item).tag]).toEqual([5, 't']);
  });

  test('save() of an existing instance updates its row; forceInsert on it is an IntegrityError', () => {
    const item = Item.objects.create({ name: 'one' });
    item.quantity = 7;
    item.save();
    expect(Item.objects.count()).toBe(1);
    expect(reload(item).quantity).toBe(7);
    expect(() => item.save({ forceInsert: true })).toThrow(IntegrityError);
  });

  test('save({ forceUpdate }) on a deleted row is ObjectDoesNotExist', () => {
    const item = Item.objects.create({ name: 'gone' });
    const copy = reload(item);
    item.delete();
    expect(() => copy.save({ forceUpdate: true })).toThrow(ObjectDoesNotExist);
  });

  test('refreshFromDb() reloads all fields or the named ones', () => {
    const item = Item.objects.create({ name: 'r', quantity: 1, tag: 'a' });
    Item.objects.filter({ pk: item.pk }).update({ quantity: 2, tag: 'b' });
    item.refreshFromDb({ fields: ['quantity'] });
    expect([item.quantity, item.tag]).toEqual([2, 'a']);
    item.refreshFromDb();
    expect(item.tag).toBe('b');
    Item.objects.filter({ pk: item.pk }).delete();
    expect(() => item.refreshFromDb()).toThrow(Item.DoesNotExist);
  });

  test('toJSON() gives JSON-safe values', () => {
    const item = Item.objects.create({ name: 'json', big: 2n ** 60n, blob: Buffer.from('hi'), data: { a: [1] } });
    const json = JSON.parse(JSON.stringify(reload(item)));
    expect(json.big).toBe((2n ** 60n).toString());
    expect(json.blob).toBe(Buffer.from('hi').toString('base64'));
    expect(json.data).toEqual({ a: [1] });
    expect(json.id).toBe(item.pk);
    expect(json.name).toBe('json');
  });
});

describe('fullClean()', () => {
  test('collects a message per failing field', () => {
    const item = new Item({
      name: '',
      status: 'bogus',
      code: 'lower',
      email: 'not-an-email',
      slug: 'has spaces',
      url: 'example.com',
      small: 40000,
      positive: -1,
    });
    const error = expectValidationError(() => item.fullClean());
    expect(Object.keys(error.errors).sort()).toEqual(['code', 'email', 'name', 'positive', 'slug', 'small', 'status', 'url']);
    expect(error.errors.name).toEqual(['This field cannot be blank.']);
    expect(error.errors.status).toEqual(['Value "bogus" is not a valid choice.']);
    expect(error.errors.code).toEqual(['Codes are upper-case letters and digits.']);
    expect(error.errors.email).toEqual(['Enter a valid email address.']);
    expect(error.errors.slug![0]).toMatch(/slug/);
    expect(error.errors.url).toEqual(['Enter a valid URL.']);
    expect(error.errors.small).toEqual(['Ensure this value is less than or equal to 32767.']);
    expect(error.errors.positive).toEqual(['Ensure this value is greater than or equal to 0.']);
    expect(error.messageDict).toBe(error.errors);
    expect(error.message).toMatch(/^Item: /);
    expect(error.message).toMatch(/status: Value "bogus"/);
  });

  test('passes for a valid instance, converting values; blank fields may be empty', () => {
    const item = new Item({ name: 'ok', quantity: '3' as unknown as number, code: '', description: '' });
    item.fullClean();
    expect(item.quantity).toBe(3);
    item.save();
    expect(reload(item).quantity).toBe(3);
  });

  test('reports null in a non-null field and wrong types', () => {
    const item = new Item({ name: 'x', quantity: 'many' as unknown as number });
    (item as { active: unknown }).active = null;
    const error = expectValidationError(() => item.fullClean());
    expect(error.errors.active).toEqual(['This field cannot be null.']);
    expect(error.errors.quantity![0]).toMatch(/must be an integer/);
  });

  test('exclude skips fields', () => {
    const item = new Item({ name: 'x', status: 'bogus', code: 'bad!' });
    const error = expectValidationError(() => item.fullClean({ exclude: ['status'] }));
    expect(Object.keys(error.errors)).toEqual(['code']);
    item.fullClean({ exclude: ['status', 'code'] });
  });

  test('checks unique and uniqueTogether against the database, ignoring the instance itself', () => {
    const first = Item.objects.create({ name: 'a', slug: 'taken' });
    first.fullClean();
    const error = expectValidationError(() => new Item({ name: 'b', slug: 'taken' }).fullClean());
    expect(error.errors.slug![0]).toMatch(/Item with this Slug already exists/);
    new Item({ name: 'b', slug: 'taken' }).fullClean({ validateUnique: false });

    Shelf.objects.create({ aisle: 'A', position: 1 });
    const shelfError = expectValidationError(() => new Shelf({ aisle: 'A', position: 1 }).fullClean());
    expect(shelfError.errors.__all__![0]).toMatch(/Shelf with this Aisle and Position already exists/);
    new Shelf({ aisle: 'A', position: 2 }).fullClean();
  });

  test('maxLength and digits are reported per field', () => {
    const item = new Item({ name: 'n'.repeat(25), price: '12345678901' });
    const error = expectValidationError(() => item.fullClean());
    expect(error.errors.name).toEqual(['Ensure this value has at most 20 characters (it has 25).']);
    expect(error.errors.price).toEqual(['Ensure that there are no more than 10 digits before the decimal point.']);
    expect(() => item.save()).toThrow(ValidationError);
  });

  test('an explicit undefined value is refused, naming the model and the key; a left-out key takes the default', () => {
    const message = 'undefined is not a value; leave the key out for the default, or pass null.';
    const constructed = expectValidationError(() => new Item({ name: 'u', quantity: undefined }));
    expect(constructed.errors).toEqual({ quantity: [message] });
    expect(constructed.message).toBe(`Item: quantity: ${message}`);
    expect(expectValidationError(() => Item.objects.create({ name: undefined as never })).message).toBe(`Item: name: ${message}`);
    expect(expectValidationError(() => new Shelf({ aisle: 'A', position: 1, number: undefined })).message).toBe(`Shelf: number: ${message}`);
    const item = Item.objects.create({ name: 'kept' });
    expect(expectValidationError(() => Item.objects.filter({ pk: item.pk }).update({ tag: undefined })).errors).toEqual({ tag: [message] });
    expect(new Item({ name: 'd' }).quantity).toBe(0);
    expect(new Item({ name: 'n', tag: null }).tag).toBeNull();
    expect(sqlRows('SELECT name FROM inventory_item')).toEqual([['kept']]);
  });

  test('clean() adds model-wide errors', () => {
    const item = new Item({ name: 'ok' });
    item.clean = () => {
      throw new ValidationError('Nope.');
    };
    const error = expectValidationError(() => item.fullClean());
    expect(error.errors).toEqual({ __all__: ['Nope.'] });
  });
});
