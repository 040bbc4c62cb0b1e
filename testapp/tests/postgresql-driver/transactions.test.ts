/**
 * Transactions (BEGIN / COMMIT / ROLLBACK / savepoints and the status the backend reads) and named
 * prepared statements.
 */
import { PgDriverError, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import { caught, createTestDatabase, describePg, type TestDatabase } from './helpers';

describePg('PostgreSQL driver: transactions and prepared statements', () => {
  let db: TestDatabase;
  let conn: SyncPgConnection;
  let other: SyncPgConnection;

  beforeAll(() => {
    db = createTestDatabase('transactions');
    conn = db.connect();
    other = db.connect();
    conn.exec('CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)');
  });

  afterAll(() => {
    conn?.close();
    other?.close();
    db?.drop();
  });

  beforeEach(() => {
    conn.exec('TRUNCATE account');
  });

  const balances = (via: SyncPgConnection = conn) => via.query('SELECT id, balance FROM account ORDER BY id').rows;

  test('COMMIT makes writes visible to another connection; inTransaction follows BEGIN and COMMIT', () => {
    expect(conn.inTransaction).toBe(false);
    expect(conn.transactionStatus).toBe('idle');
    conn.exec('BEGIN');
    expect(conn.inTransaction).toBe(true);
    expect(conn.transactionStatus).toBe('inTransaction');
    conn.query('INSERT INTO account VALUES ($1, $2)', [1, 100]);
    expect(balances(other)).toEqual([]);
    conn.exec('COMMIT');
    expect(conn.inTransaction).toBe(false);
    expect(balances(other)).toEqual([[1, 100]]);
  });

  test('ROLLBACK undoes the writes', () => {
    conn.exec('BEGIN');
    conn.query('INSERT INTO account VALUES (1, 100), (2, 50)');
    conn.exec('ROLLBACK');
    expect(conn.inTransaction).toBe(false);
    expect(balances()).toEqual([]);
  });

  test('a failed statement leaves the transaction failed until ROLLBACK', () => {
    conn.exec('BEGIN');
    conn.query('INSERT INTO account VALUES (1, 100)');
    expect(caught(() => conn.query('INSERT INTO account VALUES (1, 5)')).code).toBe('23505');
    expect(conn.transactionStatus).toBe('inFailedTransaction');
    expect(conn.inTransaction).toBe(true);
    expect(caught(() => conn.query('SELECT 1')).code).toBe('25P02');
    conn.exec('ROLLBACK');
    expect(conn.transactionStatus).toBe('idle');
    expect(balances()).toEqual([]);
  });

  test('savepoints roll back part of a transaction', () => {
    conn.exec('BEGIN');
    conn.query('INSERT INTO account VALUES (1, 100)');
    conn.exec('SAVEPOINT s1');
    conn.query('INSERT INTO account VALUES (2, 200)');
    expect(caught(() => conn.query('INSERT INTO account VALUES (2, 0)')).code).toBe('23505');
    conn.exec('ROLLBACK TO SAVEPOINT s1');
    expect(conn.transactionStatus).toBe('inTransaction');
    conn.query('INSERT INTO account VALUES (3, 300)');
    conn.exec('RELEASE SAVEPOINT s1; COMMIT');
    expect(balances()).toEqual([
      [1, 100],
      [3, 300],
    ]);
  });

  test('a transaction spanning exec() and query() with a row lock blocks nothing it should not', () => {
    conn.query('INSERT INTO account VALUES (1, 100)');
    conn.exec('BEGIN');
    expect(conn.query('SELECT balance FROM account WHERE id = $1 FOR UPDATE', [1]).rows).toEqual([[100]]);
    conn.query('UPDATE account SET balance = balance - $1 WHERE id = $2', [30, 1]);
    expect(balances(other)).toEqual([[1, 100]]);
    conn.exec('COMMIT');
    expect(balances(other)).toEqual([[1, 70]]);
  });

  test('prepared statements: prepare once, execute with different parameters', () => {
    conn.prepare('insert_account', 'INSERT INTO account (id, balance) VALUES ($1, $2) RETURNING id');
    for (let i = 1; i <= 5; i++) expect(conn.execute('insert_account', [i, i * 10]).rows).toEqual([[i]]);
    conn.prepare('account_by_id', 'SELECT id, balance FROM account WHERE id = $1');
    const result = conn.execute('account_by_id', [3]);
    expect(result.columns).toEqual(['id', 'balance']);
    expect(result.rows).toEqual([[3, 30]]);
    expect(conn.execute('account_by_id', ['4']).rows).toEqual([[4, 40]]);
    expect(conn.execute('account_by_id', [99]).rows).toEqual([]);
    conn.prepare('count_accounts', 'SELECT count(*) FROM account');
    expect(conn.execute('count_accounts').rows).toEqual([[5]]);
    expect(conn.execute('count_accounts', []).rowCount).toBe(1);
  });

  test('prepared statement errors: unknown name, duplicate name, bad SQL, wrong parameter count', () => {
    expect(caught(() => conn.execute('never_prepared', [])).code).toBe('26000');
    conn.prepare('dup', 'SELECT 1');
    expect(caught(() => conn.prepare('dup', 'SELECT 2')).code).toBe('42P05');
    expect(caught(() => conn.prepare('bad', 'SELEC 1')).code).toBe('42601');
    conn.prepare('two', 'SELECT $1::int + $2::int');
    expect(caught(() => conn.execute('two', [1])).code).toBe('08P01');
    expect(conn.execute('two', [1, 2]).rows).toEqual([[3]]);
    conn.exec('DEALLOCATE dup');
    conn.prepare('dup', 'SELECT 2');
    expect(conn.execute('dup').rows).toEqual([[2]]);
  });

  test('queryBatch runs statements in order in one go; a failed one is returned in place', () => {
    conn.prepare('add_account', 'INSERT INTO account VALUES ($1, $2) RETURNING balance');
    const answers = conn.queryBatch([
      { sql: 'INSERT INTO account VALUES ($1, $2)', params: [1, 10] },
      { name: 'add_account', params: [2, 20] },
      { sql: 'INSERT INTO account VALUES ($1, $2)', params: [1, 99] },
      { sql: 'SELECT sum(balance) FROM account' },
      { name: 'no_such_statement' },
      { sql: 'UPDATE account SET balance = balance + 1' },
    ]);
    expect(answers).toHaveLength(6);
    expect(answers[0]).toMatchObject({ rows: [], rowCount: 1 });
    expect(answers[1]).toMatchObject({ columns: ['balance'], rows: [[20]] });
    expect(answers[2]).toBeInstanceOf(PgDriverError);
    expect(answers[2]).toMatchObject({ code: '23505', constraint: 'account_pkey' });
    // Outside a transaction each statement stands alone: the failure rolled back only itself.
    expect(answers[3]).toMatchObject({ rows: [[30]] });
    expect(answers[4]).toMatchObject({ code: '26000' });
    expect(answers[5]).toMatchObject({ rowCount: 2 });
    expect(balances()).toEqual([
      [1, 11],
      [2, 21],
    ]);
    expect(conn.queryBatch([])).toEqual([]);
  });

  test('queryBatch inside a transaction: a failure fails what follows, as it would one by one', () => {
    conn.exec('BEGIN');
    const answers = conn.queryBatch([
      { sql: 'INSERT INTO account VALUES (1, 1)' },
      { sql: 'SELECT 1/0' },
      { sql: 'INSERT INTO account VALUES (2, 2)' },
    ]);
    expect(answers[0]).toMatchObject({ rowCount: 1 });
    expect(answers[1]).toMatchObject({ code: '22012' });
    expect(answers[2]).toMatchObject({ code: '25P02' });
    expect(conn.transactionStatus).toBe('inFailedTransaction');
    conn.exec('ROLLBACK');
    expect(balances()).toEqual([]);
  });

  test('queryBatch refuses a parameter it cannot send before running anything', () => {
    expect(caught(() => conn.queryBatch([{ sql: 'INSERT INTO account VALUES (1, 1)' }, { sql: 'SELECT $1', params: [Symbol('x')] }]))).toBeInstanceOf(TypeError);
    expect(balances()).toEqual([]);
    expect(conn.query('SELECT 1').rows).toEqual([[1]]);
  });

  test('prepared statements are per connection and take part in transactions', () => {
    conn.prepare('add', 'INSERT INTO account VALUES ($1, $2)');
    expect(caught(() => other.execute('add', [1, 1])).code).toBe('26000');
    conn.exec('BEGIN');
    conn.execute('add', [1, 1]);
    conn.exec('ROLLBACK');
    expect(balances()).toEqual([]);
  });
});
