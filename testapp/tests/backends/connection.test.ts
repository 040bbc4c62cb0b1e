/**
 * The connection contract. The base DatabaseConnection owns atomic blocks, onCommit, observation and error
 * translation for any driver (shown here with a fake one that numbers its placeholders `$1`, as PostgreSQL
 * does); SqliteConnection supplies better-sqlite3's part: query-only connections, prepareRaw(), and SQLite's
 * constraint errors as IntegrityError.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureQueries, IntegrityError } from '../../../src';
import type { DatabaseBackend } from '../../../src/db/backends/base/backend';
import { DatabaseConnection, type RawStatement } from '../../../src/db/backends/base/connection';
import type { RunResult } from '../../../src/db/backends/base/types';
import { sqliteBackend } from '../../../src/db/backends/sqlite/backend';
import { driverErrorClasses } from '../../../src/errors';

/** A driver error as a PostgreSQL driver reports it: a SQLSTATE code. */
class FakeDriverError extends Error {
  constructor(readonly code: string) {
    super(`fake driver error ${code}`);
  }
}

/** Records what it is asked to run; `failOn` makes a statement fail with that SQLSTATE. */
class FakeConnection extends DatabaseConnection {
  readonly ran: string[] = [];
  failOn = new Map<string, string>();
  private open = false;

  constructor() {
    // The base connection only holds its backend.
    super({ vendor: 'fake', displayName: 'Fake' } as unknown as DatabaseBackend, { label: 'fake-1' });
  }

  protected driverSelect(sql: string): unknown[][] {
    this.record(sql);
    return [[1, 'one']];
  }
  protected driverIterate(sql: string): IterableIterator<unknown[]> {
    this.record(sql);
    return [[1], [2]][Symbol.iterator]();
  }
  protected driverRun(sql: string): RunResult {
    this.record(sql);
    return { changes: 1, lastInsertRowid: null };
  }
  protected driverExec(sql: string): void {
    this.record(sql);
    if (sql === 'BEGIN') this.open = true;
    if (sql === 'COMMIT' || sql === 'ROLLBACK') this.open = false;
  }
  protected translateError(error: unknown, sql: string): unknown {
    if (error instanceof FakeDriverError && error.code === '23505') return new IntegrityError(`duplicate key (${sql})`);
    return error;
  }
  protected get beginSql(): string {
    return 'BEGIN';
  }
  get inTransaction(): boolean {
    return this.open;
  }
  prepareRaw(sql: string): RawStatement {
    return { columns: ['n'], selectRows: (params) => this.selectRows(sql, params) };
  }
  close(): void {}

  private record(sql: string): void {
    const code = this.failOn.get(sql);
    if (code) throw new FakeDriverError(code);
    this.ran.push(sql);
  }
}

describe('DatabaseConnection over any driver', () => {
  test('nested atomic blocks become savepoints, opened the way the backend spells BEGIN', () => {
    const connection = new FakeConnection();
    connection.atomic(() => {
      expect(connection.atomicDepth).toBe(1);
      connection.atomic(() => connection.run('UPDATE t SET a = $1', [1]));
      expect(() =>
        connection.atomic(() => {
          connection.run('UPDATE t SET a = $1', [2]);
          throw new Error('inner failure');
        }),
      ).toThrow('inner failure');
    });
    expect(connection.ran).toEqual([
      'BEGIN',
      'SAVEPOINT s1',
      'UPDATE t SET a = $1',
      'RELEASE s1',
      'SAVEPOINT s2',
      'UPDATE t SET a = $1',
      'ROLLBACK TO s2',
      'RELEASE s2',
      'COMMIT',
    ]);
    expect(connection.inAtomicBlock).toBe(false);
  });

  test('onCommit runs after the outermost commit, and not for a block rolled back', () => {
    const connection = new FakeConnection();
    const calls: string[] = [];
    connection.atomic(() => {
      connection.onCommit(() => calls.push('outer'));
      connection.atomic(() => connection.onCommit(() => calls.push('kept inner')));
      try {
        connection.atomic(() => {
          connection.onCommit(() => calls.push('rolled back'));
          throw new Error('no');
        });
      } catch {}
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['outer', 'kept inner']);
    connection.onCommit(() => calls.push('now'));
    expect(calls.at(-1)).toBe('now');
  });

  test("the backend's error translation applies to every statement, observed or not", () => {
    const connection = new FakeConnection();
    connection.failOn.set('INSERT INTO t VALUES ($1)', '23505');
    expect(() => connection.run('INSERT INTO t VALUES ($1)', [1])).toThrow(IntegrityError);
    expect(() => captureQueries(() => connection.run('INSERT INTO t VALUES ($1)', [1]))).toThrow(IntegrityError);
    connection.failOn.set('SELECT broken', '42601');
    expect(() => connection.selectRows('SELECT broken', [])).toThrow(FakeDriverError);
  });

  test('a failed COMMIT rolls back and drops the onCommit callbacks', () => {
    const connection = new FakeConnection();
    connection.failOn.set('COMMIT', '40001');
    const calls: string[] = [];
    expect(() => connection.atomic(() => connection.onCommit(() => calls.push('never')))).toThrow(FakeDriverError);
    expect(connection.ran.at(-1)).toBe('ROLLBACK');
    expect(calls).toEqual([]);
  });

  test('captureQueries sees each statement with its parameters and the connection label', () => {
    const connection = new FakeConnection();
    const captured = captureQueries(() => {
      connection.selectRows('SELECT $1', [7]);
      expect([...connection.iterateRows('SELECT n FROM t WHERE n > $1', [0])]).toEqual([[1], [2]]);
      connection.prepareRaw('SELECT n FROM t').selectRows([]);
    });
    expect(captured.map(({ sql, params, connection: label }) => [sql, params, label])).toEqual([
      ['SELECT $1', [7], 'fake-1'],
      ['SELECT n FROM t WHERE n > $1', [0], 'fake-1'],
      ['SELECT n FROM t', [], 'fake-1'],
    ]);
  });

  test('a Promise returned into atomic() is refused and the block rolled back', () => {
    const connection = new FakeConnection();
    expect(() => connection.atomic(() => Promise.resolve(1))).toThrow(/returned a Promise/);
    expect(connection.ran).toEqual(['BEGIN', 'ROLLBACK']);
  });
});

describe('SqliteConnection', () => {
  let directory: string;
  let databasePath: string;
  const open: DatabaseConnection[] = [];
  const connect = (label: string, queryOnly = false): DatabaseConnection => {
    const connection = sqliteBackend.connect({ databasePath, ephemeral: false }, { label, queryOnly });
    open.push(connection);
    return connection;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'threadorm-connection-'));
    databasePath = join(directory, 'db.sqlite3');
    connect('setup').exec('CREATE TABLE "t" ("id" integer PRIMARY KEY, "code" text UNIQUE)');
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('a query-only connection reads, refuses writes, and its transactions never block the writer', () => {
    const writer = connect('writer');
    const reader = connect('reader', true);
    writer.run('INSERT INTO "t" ("code") VALUES (?)', ['a']);
    expect(reader.selectRows('SELECT "code" FROM "t"', [])).toEqual([['a']]);
    expect(() => reader.run('INSERT INTO "t" ("code") VALUES (?)', ['b'])).toThrow(/readonly/);
    const opened = captureQueries(() =>
      reader.atomic(() => {
        reader.selectRows('SELECT count(*) FROM "t"', []);
        writer.atomic(() => writer.run('INSERT INTO "t" ("code") VALUES (?)', ['c']));
        // The reader's transaction still sees the database as it was when it began.
        expect(reader.selectRows('SELECT count(*) FROM "t"', [])).toEqual([[1]]);
      }),
    ).map((statement) => [statement.connection, statement.sql]);
    expect(opened[0]).toEqual(['reader', 'BEGIN']);
    expect(opened).toContainEqual(['writer', 'BEGIN IMMEDIATE']);
    expect(reader.selectRows('SELECT count(*) FROM "t"', [])).toEqual([[2]]);
  });

  test('prepareRaw() tells the columns of a query, and null for a statement without rows, running nothing', () => {
    const connection = connect('main');
    expect(connection.prepareRaw('SELECT "id", "code" AS "label" FROM "t"').columns).toEqual(['id', 'label']);
    expect(connection.prepareRaw('INSERT INTO "t" ("code") VALUES (?)').columns).toBeNull();
    expect(connection.selectRows('SELECT count(*) FROM "t"', [])).toEqual([[0]]);
    const statement = connection.prepareRaw('SELECT "code" FROM "t" WHERE "code" = ?');
    connection.run('INSERT INTO "t" ("code") VALUES (?)', ['x']);
    expect(statement.selectRows(['x'])).toEqual([['x']]);
  });

  test('prepareRaw() of broken SQL throws with the statement named', () => {
    expect(() => connect('main').prepareRaw('SELEC 1')).toThrow(/syntax error \(while running: SELEC 1\)/);
  });

  test('constraint failures are IntegrityError; SqliteError is registered for errors from workers', () => {
    const connection = connect('main');
    connection.run('INSERT INTO "t" ("code") VALUES (?)', ['dup']);
    expect(() => connection.run('INSERT INTO "t" ("code") VALUES (?)', ['dup'])).toThrow(IntegrityError);
    let caught: { name?: string; code?: string } = {};
    try {
      connection.selectRows('SELECT nope FROM "t"', []);
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught).toMatchObject({ name: 'SqliteError', code: 'SQLITE_ERROR' });
    // The codec rebuilds a worker's error by its name. (Not instanceof: the addon, loaded once per process,
    // may hand out another jest realm's class.)
    expect(driverErrorClasses[caught.name!]?.name).toBe('SqliteError');
  });

  test('an INSERT reports the rowid as its key', () => {
    const connection = connect('main');
    connection.run('INSERT INTO "t" ("id", "code") VALUES (?, ?)', [41, 'a']);
    expect(connection.run('INSERT INTO "t" ("code") VALUES (?)', ['b'])).toEqual({ changes: 1, lastInsertRowid: 42 });
  });

  test('inTransaction follows the database, atomicDepth the open blocks', () => {
    const connection = connect('main');
    expect(connection.inTransaction).toBe(false);
    connection.atomic(() => {
      connection.atomic(() => {
        expect(connection.atomicDepth).toBe(2);
        expect(connection.inTransaction).toBe(true);
      });
    });
    expect(connection.inTransaction).toBe(false);
    expect(connection.backend).toBe(sqliteBackend);
  });
});
