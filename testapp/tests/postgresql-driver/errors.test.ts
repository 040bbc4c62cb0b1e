/**
 * Errors: one class, PgDriverError, carrying SQLSTATE and the server's diagnostic fields (what the backend
 * needs to raise IntegrityError naming the constraint); PgConnectionError when the connection is gone;
 * a clear ImproperlyConfigured when the native driver is missing.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PgConnectionError, PgDriverError, connectSync, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import { ADMIN_URL, caught, createTestDatabase, describePg, DRIVER_PATH, type TestDatabase } from './helpers';

describePg('PostgreSQL driver: errors', () => {
  let db: TestDatabase;
  let conn: SyncPgConnection;

  beforeAll(() => {
    db = createTestDatabase('errors');
    conn = db.connect();
    conn.exec(`
      CREATE TABLE box (id int PRIMARY KEY, code text NOT NULL CONSTRAINT box_code_key UNIQUE);
      CREATE TABLE pizza (
        id int PRIMARY KEY,
        name text NOT NULL,
        box_id int CONSTRAINT pizza_box_fk REFERENCES box (id),
        price numeric CONSTRAINT pizza_price_positive CHECK (price > 0)
      );
      INSERT INTO box VALUES (1, 'small');`);
  });

  afterAll(() => {
    conn?.close();
    db?.drop();
  });

  test('unique violation: 23505 with constraint, table, schema and detail', () => {
    const error = caught(() => conn.query('INSERT INTO box VALUES ($1, $2)', [2, 'small']));
    expect(error).toBeInstanceOf(PgDriverError);
    expect(error).not.toBeInstanceOf(PgConnectionError);
    expect(error.name).toBe('PgDriverError');
    expect(error).toMatchObject({
      code: '23505',
      severity: 'ERROR',
      constraint: 'box_code_key',
      table: 'box',
      schema: 'public',
      detail: 'Key (code)=(small) already exists.',
      message: 'duplicate key value violates unique constraint "box_code_key"',
    });
  });

  test('foreign key violation: 23503 naming the constraint', () => {
    const error = caught(() => conn.query('INSERT INTO pizza (id, name, box_id) VALUES (1, $1, 99)', ['margherita']));
    expect(error).toMatchObject({ code: '23503', constraint: 'pizza_box_fk', table: 'pizza' });
    expect(error.detail).toContain('(box_id)=(99)');
  });

  test('not-null violation: 23502 naming the column and table', () => {
    const error = caught(() => conn.query('INSERT INTO pizza (id, name) VALUES (1, NULL)'));
    expect(error).toMatchObject({ code: '23502', column: 'name', table: 'pizza' });
  });

  test('check violation: 23514 naming the constraint', () => {
    const error = caught(() => conn.query('INSERT INTO pizza (id, name, price) VALUES (1, $1, -1)', ['x']));
    expect(error).toMatchObject({ code: '23514', constraint: 'pizza_price_positive' });
  });

  test('syntax and undefined-object errors carry position and hint', () => {
    const syntax = caught(() => conn.query('SELEC 1'));
    expect(syntax).toMatchObject({ code: '42601', position: '1' });
    const missing = caught(() => conn.query('SELECT nme FROM pizza'));
    expect(missing.code).toBe('42703');
    expect(missing.message).toBe('column "nme" does not exist');
    expect(missing.hint).toContain('name');
    expect(caught(() => conn.query('SELECT * FROM nowhere')).code).toBe('42P01');
    expect(caught(() => conn.query('SELECT 1/0')).code).toBe('22012');
    expect(caught(() => conn.query('SELECT $1::int', ['x'])).code).toBe('22P02');
    expect(caught(() => conn.exec('SELECT 1; SELECT nope')).code).toBe('42703');
  });

  test('an error raised in PL/pgSQL carries its own SQLSTATE, detail and hint', () => {
    const error = caught(() =>
      conn.exec(`DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING ERRCODE = 'P0001', DETAIL = 'some detail', HINT = 'a hint'; END $$`),
    );
    expect(error).toMatchObject({ code: 'P0001', message: 'custom failure', detail: 'some detail', hint: 'a hint' });
    expect(String(error.where)).toContain('PL/pgSQL');
  });

  test('the connection stays usable after a failed statement outside a transaction', () => {
    caught(() => conn.query('SELECT 1/0'));
    expect(conn.transactionStatus).toBe('idle');
    expect(conn.query('SELECT 1').rows).toEqual([[1]]);
  });

  test('connection errors: unknown database, refused port, closed connection', () => {
    const url = new URL(ADMIN_URL);
    url.pathname = '/threadorm_no_such_database';
    const unknown = caught(() => connectSync(url.toString()));
    expect(unknown).toBeInstanceOf(PgConnectionError);
    expect(unknown.code).toBe('08001');
    expect(unknown.message).toContain('threadorm_no_such_database');

    const refused = caught(() => connectSync('postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2'));
    expect(refused).toBeInstanceOf(PgConnectionError);
    expect(refused.code).toBe('08001');

    const closed = db.connect();
    closed.close();
    closed.close();
    const error = caught(() => closed.query('SELECT 1'));
    expect(error).toBeInstanceOf(PgConnectionError);
    expect(error.code).toBe('08003');
    expect(closed.transactionStatus).toBe('closed');
  });
});

describe('PostgreSQL driver: loading', () => {
  test('without the native package, connecting says what to install', () => {
    const src = resolve(__dirname, '../../../src');
    const script = `
      require(${JSON.stringify(join(src, 'bootstrap-typescript.js'))});
      const driver = require(${JSON.stringify(DRIVER_PATH)});
      try { driver.connectSync('postgresql://localhost/x'); console.log('connected?'); }
      catch (error) { console.log(JSON.stringify({ name: error.name, message: error.message, reason: driver.driverUnavailableReason() })); }`;
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, THREADORM_PG_NATIVE: join(src, 'no-such-driver-folder') },
    });
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { name: string; message: string; reason: string };
    expect(report.name).toBe('ImproperlyConfigured');
    expect(report.message).toContain('npm install threadorm-pg-native');
    expect(report.message).toContain('libpq');
    expect(report.reason).toBe(report.message);
  });
});
