/**
 * Values both ways: parameters encoded from JavaScript, results decoded by type OID, result shape,
 * statements that return no rows, and exec() with several statements.
 */
import { PgType, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import { caught, createTestDatabase, describePg, type TestDatabase } from './helpers';

describePg('PostgreSQL driver: values', () => {
  let db: TestDatabase;
  let conn: SyncPgConnection;

  beforeAll(() => {
    db = createTestDatabase('values');
    conn = db.connect();
  });

  afterAll(() => {
    conn?.close();
    db?.drop();
  });

  const one = (sql: string, params?: readonly unknown[]) => conn.query(sql, params).rows[0]![0];

  test('integers: int2/int4/oid are numbers; int8 is a number when safe and a bigint beyond 2^53 - 1', () => {
    expect(one("SELECT '-32768'::int2")).toBe(-32768);
    expect(one("SELECT '-2147483648'::int4")).toBe(-2147483648);
    expect(one('SELECT 2147483647::int4')).toBe(2147483647);
    expect(one('SELECT 4294967295::oid')).toBe(4294967295);
    expect(one('SELECT count(*) FROM generate_series(1, 3)')).toBe(3);
    expect(one('SELECT 9007199254740991::int8')).toBe(9007199254740991);
    expect(one('SELECT (-9007199254740991)::int8')).toBe(-9007199254740991);
    expect(one('SELECT 9007199254740992::int8')).toBe(9007199254740992n);
    expect(one('SELECT 9223372036854775807::int8')).toBe(9223372036854775807n);
    expect(one("SELECT '-9223372036854775808'::int8")).toBe(-9223372036854775808n);
  });

  test('floats, numeric, booleans', () => {
    expect(one('SELECT 1.5::float8')).toBe(1.5);
    expect(one('SELECT 0.1::float8')).toBe(0.1);
    expect(one('SELECT 1.25::float4')).toBe(1.25);
    expect(one("SELECT 'NaN'::float8")).toBeNaN();
    expect(one("SELECT 'Infinity'::float8")).toBe(Infinity);
    expect(one("SELECT '-Infinity'::float4")).toBe(-Infinity);
    expect(one('SELECT 12345678901234567890.123456789::numeric')).toBe('12345678901234567890.123456789');
    expect(one('SELECT 1.10::numeric(5, 2)')).toBe('1.10');
    expect(one("SELECT 'NaN'::numeric")).toBe('NaN');
    expect(one('SELECT true')).toBe(true);
    expect(one('SELECT false')).toBe(false);
  });

  test('text types, uuid, bytea, json and jsonb', () => {
    expect(one("SELECT 'héllo wörld ✓'::text")).toBe('héllo wörld ✓');
    expect(one("SELECT 'ab'::varchar(5)")).toBe('ab');
    expect(one("SELECT 'ab'::char(4)")).toBe('ab  ');
    expect(one("SELECT ''::text")).toBe('');
    expect(one("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(one("SELECT '\\x00ff10'::bytea")).toEqual(Buffer.from([0, 255, 16]));
    expect(one("SELECT ''::bytea")).toEqual(Buffer.alloc(0));
    expect(one(`SELECT '{"a": [1, 2.5, null], "b": "x"}'::jsonb`)).toEqual({ a: [1, 2.5, null], b: 'x' });
    expect(one(`SELECT '[1, "two"]'::json`)).toEqual([1, 'two']);
    expect(one(`SELECT 'null'::jsonb`)).toBeNull();
    expect(one(`SELECT '"text"'::json`)).toBe('text');
  });

  test('dates and times come back as the server ISO text', () => {
    conn.exec("SET TIME ZONE 'UTC'");
    expect(one("SELECT '2024-02-29'::date")).toBe('2024-02-29');
    expect(one("SELECT '2024-02-29 13:14:15.123456'::timestamp")).toBe('2024-02-29 13:14:15.123456');
    expect(one("SELECT '2024-02-29 13:14:15+02'::timestamptz")).toBe('2024-02-29 11:14:15+00');
    expect(one("SELECT '13:14:15'::time")).toBe('13:14:15');
    expect(one("SELECT '13:14:15+05:30'::timetz")).toBe('13:14:15+05:30');
    expect(one("SELECT '1 day 02:00:00'::interval")).toBe('1 day 02:00:00');
  });

  test('arrays of the common types are arrays, nested and with NULLs', () => {
    expect(one('SELECT ARRAY[1, NULL, 3]::int4[]')).toEqual([1, null, 3]);
    expect(one('SELECT ARRAY[9007199254740993]::int8[]')).toEqual([9007199254740993n]);
    expect(one('SELECT ARRAY[[1, 2], [3, 4]]::int2[]')).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(one(`SELECT ARRAY['a b', 'c"d', 'e\\f', '', NULL, 'NULL']::text[]`)).toEqual(['a b', 'c"d', 'e\\f', '', null, 'NULL']);
    expect(one('SELECT ARRAY[true, false]')).toEqual([true, false]);
    expect(one('SELECT ARRAY[1.5, 2]::float8[]')).toEqual([1.5, 2]);
    expect(one('SELECT ARRAY[1.10, 2]::numeric[]')).toEqual(['1.10', '2']);
    expect(one(`SELECT ARRAY['{"a": 1}']::jsonb[]`)).toEqual([{ a: 1 }]);
    expect(one("SELECT '{}'::int4[]")).toEqual([]);
  });

  test('NULL of any type is null', () => {
    expect(conn.query('SELECT NULL::int4, NULL::text, NULL::bytea, NULL::jsonb, NULL::int8[]').rows[0]).toEqual([null, null, null, null, null]);
  });

  test('parameters: null, numbers, bigint, strings, booleans, Buffers, Dates, arrays and objects', () => {
    const row = conn.query(
      'SELECT $1::int4, $2::float8, $3::int8, $4::text, $5::bool, $6::bool, $7::bytea, $8::timestamptz, $9::int4[], $10::jsonb, $11::text, $12::numeric, $13::float8',
      [null, 2.5, 9007199254740993n, 'it\'s "quoted"', true, false, Buffer.from([0, 1, 255]), new Date('2024-01-02T03:04:05.678Z'), [1, null, 3], { a: [1, 'x'] }, undefined, '10.05', -Infinity],
    ).rows[0]!;
    expect(row).toEqual([
      null,
      2.5,
      9007199254740993n,
      'it\'s "quoted"',
      true,
      false,
      Buffer.from([0, 1, 255]),
      '2024-01-02 03:04:05.678+00',
      [1, null, 3],
      { a: [1, 'x'] },
      null,
      '10.05',
      -Infinity,
    ]);
    expect(one('SELECT $1::text[]', [['a,b', 'c"d', 'e\\f', null]])).toEqual(['a,b', 'c"d', 'e\\f', null]);
    expect(one('SELECT $1::int4[]', [[[1, 2], [3, 4]]])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(one('SELECT $1::bytea', [new Uint8Array([7, 8])])).toEqual(Buffer.from([7, 8]));
    expect(one('SELECT $1::float8', [NaN])).toBeNaN();
  });

  test('parameters that cannot be sent are refused before the statement runs', () => {
    expect(caught(() => conn.query('SELECT $1', [() => 1]))).toBeInstanceOf(TypeError);
    expect(caught(() => conn.query('SELECT $1', [Symbol('s')]))).toBeInstanceOf(TypeError);
    expect(caught(() => conn.query('SELECT $1::timestamptz', [new Date(NaN)]))).toBeInstanceOf(TypeError);
    expect(one('SELECT 1')).toBe(1);
  });

  test('a parameter round-trips text and bytes exactly', () => {
    const text = 'line\nbreak\ttab \\ backslash \u{1F600} \u0001';
    expect(one('SELECT $1::text', [text])).toBe(text);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(one('SELECT $1::bytea', [bytes])).toEqual(bytes);
  });

  test('result shape: columns, type OIDs, rows as arrays, rowCount', () => {
    conn.exec(`
      CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL, price numeric(8, 2), data jsonb);
      INSERT INTO item (name, price) VALUES ('a', 1.5), ('b', 2), ('c', NULL);`);
    const result = conn.query('SELECT id, name, price, data FROM item ORDER BY id');
    expect(result.columns).toEqual(['id', 'name', 'price', 'data']);
    expect(result.types).toEqual([PgType.int4, PgType.text, PgType.numeric, PgType.jsonb]);
    expect(result.rows).toEqual([
      [1, 'a', '1.50', null],
      [2, 'b', '2.00', null],
      [3, 'c', null, null],
    ]);
    expect(result.rowCount).toBe(3);

    const inserted = conn.query('INSERT INTO item (name, data) VALUES ($1, $2), ($3, $4) RETURNING id', ['d', { k: 1 }, 'e', JSON.stringify([1])]);
    expect(inserted.rows).toEqual([[4], [5]]);
    expect(inserted.rowCount).toBe(2);
    expect(conn.query('UPDATE item SET price = price + 1 WHERE price IS NOT NULL').rowCount).toBe(2);
    const deleted = conn.query('DELETE FROM item WHERE id > $1', [3]);
    expect(deleted).toEqual({ columns: [], types: [], rows: [], rowCount: 2 });
    expect(conn.query('SELECT * FROM item WHERE false').rows).toEqual([]);
    expect(conn.query('SELECT 1 AS x, 2 AS x').columns).toEqual(['x', 'x']);
  });

  test('exec() runs several statements; query() takes exactly one', () => {
    conn.exec('CREATE TABLE multi (n int); INSERT INTO multi VALUES (1); INSERT INTO multi VALUES (2);');
    expect(conn.query('SELECT sum(n) FROM multi').rows).toEqual([[2 + 1]]);
    const error = caught(() => conn.query('SELECT 1; SELECT 2'));
    expect(error.code).toBe('42601');
    expect(conn.exec('')).toBeUndefined();
  });

  test('a large result keeps every row', () => {
    const { rows, rowCount } = conn.query('SELECT i, md5(i::text), i * 0.5 FROM generate_series(1, 20000) AS i');
    expect(rowCount).toBe(20000);
    expect(rows[19999]).toEqual([20000, expect.any(String), '10000.0']);
  });
});
