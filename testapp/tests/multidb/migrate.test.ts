/**
 * migrate({ database }) and createSchema({ using }) with routers' allowMigrate(): each alias gets the tables
 * of the models allowed there and its own migration records; `threadorm migrate --database ALIAS` does the
 * same from the command line. After Django's multiple_database.tests.RouterTestCase.test_migrate_selection
 * and MigrateTestCase.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, configure, createSchema, makeMigrations, migrate, showMigrations, type DatabaseRouter } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { cli } from '../migrations/cli-helpers';
import { MULTIDB_MODELS, Pet } from './models';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

/** Pets live on default only. */
const petsOnDefault: DatabaseRouter = {
  allowMigrate: (alias, model) => (model._meta.label === Pet._meta.label ? alias === 'default' : undefined),
};

let directory: string;

function tables(alias: string): string[] {
  const connection = getConnection('test', alias);
  return connection.backend.introspection(connection).tableNames().sort();
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadorm-multidb-'));
});

afterAll(async () => {
  await close();
  dropTestDatabase();
  rmSync(directory, { recursive: true, force: true });
});

describe('with a router that keeps one model on default', () => {
  beforeAll(() => {
    configure({ databases: { default: testDatabase(), other: testDatabase('other') }, models: MULTIDB_MODELS, workers: 1, routers: [petsOnDefault] });
    makeMigrations({ migrations: join(directory, 'migrations') });
  });

  test('migrate({ database }) runs the allowed operations there and records the migration there', () => {
    const result = migrate({ migrations: join(directory, 'migrations'), database: 'other' });
    expect(result.applied).toEqual(['0001_initial']);
    expect(tables('other')).toEqual(['book', 'book_authors', 'person', 'threadorm_migrations']);
    // Nothing ran on default yet: no tables, no records.
    expect(tables('default')).toEqual([]);
    const shown: string[] = [];
    showMigrations({ migrations: join(directory, 'migrations'), database: 'other', log: (line) => shown.push(line) });
    expect(shown.join('\n')).toContain('[X] 0001_initial');
  });

  test('the default database gets every model', () => {
    migrate({ migrations: join(directory, 'migrations') });
    expect(tables('default')).toEqual(['book', 'book_authors', 'person', 'pet', 'threadorm_migrations']);
    expect(migrate({ migrations: join(directory, 'migrations'), database: 'other' }).applied).toEqual([]);
  });

  test('an alias that is not configured is refused', () => {
    expect(() => migrate({ migrations: join(directory, 'migrations'), database: 'elsewhere' })).toThrow(
      "migrate(): the database 'elsewhere' is not configured; the databases are 'default', 'other'.",
    );
  });
});

test('createSchema({ using }) creates the allowed tables only', async () => {
  await close();
  configure({ databases: { default: testDatabase('schema'), other: testDatabase('schema_other') }, models: MULTIDB_MODELS, workers: 1, routers: [petsOnDefault] });
  createSchema({ using: 'other' });
  expect(tables('other')).toEqual(['book', 'book_authors', 'person']);
  expect(tables('default')).toEqual([]);
});

test('threadorm migrate --database ALIAS migrates that database of the configuration', async () => {
  const project = mkdtempSync(join(directory, 'project-'));
  writeFileSync(join(project, 'package.json'), '{ "name": "multidb", "private": true }\n');
  writeFileSync(join(project, 'models.ts'), `export { Person, Book } from ${JSON.stringify(MULTIDB_MODELS[0]!.replace(/\.ts$/, ''))};\n`);
  writeFileSync(join(project, 'threadorm.config.ts'), "export default { databases: { default: 'main.sqlite3', other: 'data/other.sqlite3' }, models: ['./models.ts'] };\n");
  const made = await cli(project, ['makemigrations']);
  expect(made.status).toBe(0);
  const migrated = await cli(project, ['migrate', '--database', 'other']);
  expect(migrated.stderr).toBe('');
  expect(migrated.stdout).toContain('Applying 0001_initial... OK');
  const other = await cli(project, ['showmigrations', '--database', 'other']);
  expect(other.stdout).toContain('[X] 0001_initial');
  const main = await cli(project, ['showmigrations']);
  expect(main.stdout).toContain('[ ] 0001_initial');
  const unknown = await cli(project, ['migrate', '--database', 'nope']);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain("--database nope: the configuration has no such database; its databases are 'default', 'other'.");
});
