/**
 * A migration is all or nothing: one that fails half-way (a RunSQL whose second statement errors, after a
 * table rebuild) leaves schema, rows and records as they were. Two processes migrating one database at once
 * apply each migration once: the second waits for the first's write lock, then skips what it did.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { close, configure, migrate } from '../../../src';
import { startCli, until } from './cli-helpers';
import { ScratchProject } from './helpers';
import { onPostgresql } from '../test-database';

jest.setTimeout(180_000);

let project: ScratchProject;

beforeEach(() => {
  project = new ScratchProject('threadorm-failures-');
});

afterEach(async () => {
  await close();
  project.remove();
});

const INITIAL = `initial: true, operations: [
  new CreateModel({ name: 'Pizza', fields: { id: new AutoField(), name: new CharField({ maxLength: 50 }), size: new IntegerField({ default: 1 }) } }),
]`;

test('a RunSQL that fails half-way leaves the schema, the rows and the records untouched', () => {
  configure({ database: project.database, models: [] });
  project.write('0001_initial', INITIAL);
  migrate({ migrations: project.migrations });
  project.run("INSERT INTO pizza (name, size) VALUES ('Margherita', 1), ('Marinara', 2)");
  project.write('0002_fine', `dependencies: ['0001_initial'], operations: [new AddField({ modelName: 'Pizza', name: 'rating', field: new IntegerField({ default: 3 }) })]`);
  project.write(
    '0003_broken',
    `dependencies: ['0002_fine'], operations: [
      new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 80 }) }),
      new RemoveField({ modelName: 'Pizza', name: 'size' }),
      new RunSQL(["UPDATE pizza SET name = upper(name)", "INSERT INTO no_such_table VALUES (1)", "UPDATE pizza SET rating = 0"]),
    ]`,
  );
  const lines: string[] = [];
  expect(() => migrate({ migrations: project.migrations, log: (line) => lines.push(line) })).toThrow(
    /Applying 0003_broken failed, and its transaction was rolled back \(schema, data and record are as before\): (no such table: no_such_table|relation "no_such_table" does not exist)/,
  );
  expect(lines).toContain('  Applying 0003_broken... FAILED');
  expect(lines.some((line) => /Applying 0002_fine\.\.\. OK/.test(line))).toBe(true);
  expect(project.applied()).toEqual(['0001_initial', '0002_fine']);
  expect(project.all('SELECT * FROM pizza ORDER BY id')).toEqual([
    { id: 1, name: 'Margherita', size: 1, rating: 3 },
    { id: 2, name: 'Marinara', size: 2, rating: 3 },
  ]);
  expect(project.shape('pizza')).toEqual(
    onPostgresql
      ? { id: 'integer NOT NULL PK', name: 'character varying(50) NOT NULL', size: 'integer NOT NULL', rating: 'integer NOT NULL' }
      : { id: 'INTEGER NOT NULL PK', name: 'varchar(50) NOT NULL', size: 'INTEGER NOT NULL', rating: 'INTEGER NOT NULL' },
  );
  expect(project.tables()).not.toContain('new__pizza');
  // SQLite: foreign keys are on again on the connection, whatever happened (PostgreSQL never switches them off).
  if (!onPostgresql) expect(project.all('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
});

test('a table created before the failing statement is rolled back with it', () => {
  configure({ database: project.database, models: [] });
  project.write('0001_initial', INITIAL);
  project.write('0002_broken', `dependencies: ['0001_initial'], operations: [new RunSQL(['CREATE TABLE extra (id integer)', 'SELECT * FROM missing'])]`);
  expect(() => migrate({ migrations: project.migrations })).toThrow(/no such table: missing|relation "missing" does not exist/);
  expect(project.applied()).toEqual(['0001_initial']);
  expect(project.tables()).not.toContain('extra');
});

describe('two processes migrating at once', () => {
  test('each migration is applied once: the second process waits for the lock, then skips what the first did', async () => {
    writeFileSync(join(project.directory, 'package.json'), '{ "private": true }\n');
    writeFileSync(join(project.directory, 'threadorm.config.ts'), `export default { database: ${JSON.stringify(project.configDatabase)}, models: [] };\n`);
    const holding = join(project.directory, 'holding');
    const release = join(project.directory, 'release');
    project.write('0001_initial', INITIAL);
    // The first process holds the lock inside this migration until the test lets it go.
    project.write(
      '0002_slow',
      `dependencies: ['0001_initial'], operations: [
        new RunSQL("INSERT INTO pizza (name, size) VALUES ('once', 1)", "DELETE FROM pizza WHERE name = 'once'"),
        new RunCode(() => {
          const { existsSync, writeFileSync } = require('node:fs');
          writeFileSync(${JSON.stringify(holding)}, '');
          const pause = new Int32Array(new SharedArrayBuffer(4));
          while (!existsSync(${JSON.stringify(release)})) Atomics.wait(pause, 0, 0, 10);
        }, RunCode.noop),
      ]`,
    );
    project.write('0003_rating', `dependencies: ['0002_slow'], operations: [new AddField({ modelName: 'Pizza', name: 'rating', field: new IntegerField({ default: 0 }) })]`);

    const first = startCli(project.directory, ['migrate']);
    await until(() => existsSync(holding), first, 'holding the lock');
    const second = startCli(project.directory, ['migrate']);
    await until(() => second.output().includes("Waiting for the database's write lock"), second, 'waiting for the lock');
    writeFileSync(release, '');
    const [a, b] = await Promise.all([first.result, second.result]);

    expect({ status: a.status, stderr: a.stderr }).toEqual({ status: 0, stderr: '' });
    expect({ status: b.status, stderr: b.stderr }).toEqual({ status: 0, stderr: '' });
    expect(a.stdout).toMatch(/Applying 0001_initial\.\.\. OK/);
    expect(a.stdout).toMatch(/Applying 0002_slow\.\.\. OK/);
    expect(b.stdout).toMatch(/Waiting for the database's write lock \(another migrate running\?\) before 0002_slow/);
    expect(b.stdout).toMatch(/Applying 0002_slow\.\.\. skipped: another process applied it meanwhile/);
    const rating = [a.stdout, b.stdout].map((out) => /Applying 0003_rating\.\.\. (OK|skipped)/.exec(out)?.[1]);
    expect(rating.sort()).toEqual(['OK', 'skipped']);
    expect(project.applied()).toEqual(['0001_initial', '0002_slow', '0003_rating']);
    expect(project.all('SELECT name, rating FROM pizza')).toEqual([{ name: 'once', rating: 0 }]);
  });
});
