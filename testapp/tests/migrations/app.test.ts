/**
 * The example app's migrations (testapp/migrations, made by `node ../bin/threadorm makemigrations` in testapp/): they
 * describe testapp/models.ts exactly, they apply through the pool with amigrate() under mainThread 'forbid', and
 * the sync commands refuse to run there. Also what migrate() reports and refuses in code.
 */
import { join } from 'node:path';
import {
  acreateSchema,
  amigrate,
  atomic,
  close,
  configure,
  createSchema,
  ImproperlyConfigured,
  IrreversibleError,
  makeMigrations,
  migrate,
  MigrationError,
  postMigrate,
  showMigrations,
  SynchronousOnlyOperation,
} from '../../../src';
import type { Model } from '../../../src';
import { Pizza, Price, Topping } from '../../models';
import { ScratchProject } from './helpers';

jest.setTimeout(120_000);

const MIGRATIONS = join(__dirname, '../../migrations');
const MODELS = [require.resolve('../../models')];

afterEach(async () => {
  await close();
});

test('testapp/migrations describe testapp/models.ts exactly: makemigrations --check finds nothing', () => {
  configure({ database: ':memory:', models: MODELS });
  expect(makeMigrations({ migrations: MIGRATIONS, check: true }).changes).toEqual([]);
});

test("amigrate() applies them through the pool under mainThread: 'forbid'; the sync calls point to it", async () => {
  configure({ database: ':memory:', models: MODELS, workers: 1, mainThread: 'forbid' });
  expect(() => migrate({ migrations: MIGRATIONS })).toThrow(SynchronousOnlyOperation);
  expect(() => migrate({ migrations: MIGRATIONS })).toThrow(/await amigrate\(\)/);
  const lines: string[] = [];
  const result = await amigrate({ migrations: MIGRATIONS, log: (line) => lines.push(line) });
  expect(result.applied).toEqual(['0001_initial']);
  expect(result.unmigratedChanges).toEqual([]);
  expect(lines[lines.length - 2]).toMatch(/^ {2}Applying 0001_initial\.\.\. OK \(\d+ ms\)$/);
  const pizza = await Pizza.aobjects.create({ name: 'Margherita', price: await Price.aobjects.create({ amount: '9.50' }) });
  await pizza.a.toppings.add(await Topping.aobjects.create({ name: 'basil' }));
  expect(await Pizza.aobjects.filter({ toppings__name: 'basil' }).count()).toBe(1);
  expect((await amigrate({ migrations: MIGRATIONS })).applied).toEqual([]);
  await expect(acreateSchemaRefusal()).resolves.toMatch(/managed by migrations/);
});

async function acreateSchemaRefusal(): Promise<string> {
  try {
    await acreateSchema();
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    return (error as Error).message;
  }
  throw new Error('acreateSchema() accepted a migrated database');
}

test('amigrate() rejects with the class migrate() throws', async () => {
  const project = new ScratchProject('threadorm-amigrate-');
  try {
    project.write('0001_initial', "operations: [new RunSQL('CREATE TABLE t (id integer)')]");
    configure({ database: project.database, models: [], workers: 1, mainThread: 'forbid' });
    await amigrate({ migrations: project.migrations });
    const rejection = amigrate({ migrations: project.migrations, target: 'zero' });
    await expect(rejection).rejects.toBeInstanceOf(IrreversibleError);
    await expect(rejection).rejects.toThrow(/Cannot unapply 0001_initial: its operation "Raw SQL: CREATE TABLE t \(id integer\)" is irreversible/);
    await expect(amigrate({ migrations: project.migrations, target: '0007' })).rejects.toBeInstanceOf(MigrationError);
  } finally {
    await close();
    project.remove();
  }
});

test('createSchema() on a fresh database still works, and migrate() then asks for --fake-initial', () => {
  configure({ database: ':memory:', models: MODELS });
  createSchema();
  expect(() => migrate({ migrations: MIGRATIONS })).toThrow(/of 0001_initial exist already \(a database made by createSchema\(\)\?\)/);
  expect(migrate({ migrations: MIGRATIONS, fakeInitial: true }).faked).toEqual(['0001_initial']);
  expect(showMigrations({ migrations: MIGRATIONS })).toEqual([{ name: '0001_initial', applied: true }]);
});

test('migrate() refuses inside atomic() and names only the database it has', () => {
  configure({ database: ':memory:', models: MODELS });
  expect(() => atomic(() => migrate({ migrations: MIGRATIONS }))).toThrow(/migrate\(\) cannot run inside atomic\(\)/);
  expect(() => migrate({ migrations: MIGRATIONS, database: 'replica' })).toThrow("migrate(): the database 'replica' is not configured; the databases are 'default'.");
});

test('migrate() to an unknown or ambiguous target says which migrations there are', () => {
  const project = new ScratchProject('threadorm-targets-');
  try {
    configure({ database: project.database, models: [] });
    project.write('0001_initial', "operations: [new RunSQL('CREATE TABLE a (id integer)', 'DROP TABLE a')]");
    project.write('0002_first', "dependencies: ['0001_initial'], operations: []");
    project.write('0002_second', "dependencies: ['0002_first'], operations: []");
    expect(() => migrate({ migrations: project.migrations, target: '0003' })).toThrow(
      /There is no migration '0003' in .*\. Migrations: 0001_initial, 0002_first, 0002_second; 'zero' unapplies all\./,
    );
    expect(() => migrate({ migrations: project.migrations, target: '0002' })).toThrow("'0002' matches several migrations (0002_first, 0002_second); give more of the name.");
    expect(migrate({ migrations: project.migrations, target: '0002_f' }).applied).toEqual(['0001_initial', '0002_first']);
    project.write('0003_bad', "dependencies: ['0009_missing'], operations: []");
    expect(() => migrate({ migrations: project.migrations })).toThrow(/Migration 0003_bad depends on 0009_missing, which is not in/);
  } finally {
    project.remove();
  }
});

test('migrate sends postMigrate once it has run, with the plan and the historical models, even with nothing to do', () => {
  configure({ database: ':memory:', models: MODELS });
  const received: Array<{ plan: string[]; pizzaFields: string[] }> = [];
  const receiver = ({ plan, apps }: { plan: ReadonlyArray<readonly [unknown, boolean]>; apps: unknown }) => {
    const Pizza = (apps as { getModel(label: string): typeof Model }).getModel('Pizza');
    received.push({ plan: plan.map(([migration, backwards]) => `${String(migration)}${backwards ? ' (back)' : ''}`), pizzaFields: Pizza._meta.fields.map((field) => field.name) });
  };
  postMigrate.connect(receiver);
  try {
    migrate({ migrations: MIGRATIONS });
    migrate({ migrations: MIGRATIONS });
    migrate({ migrations: MIGRATIONS, plan: true });
  } finally {
    postMigrate.disconnect(receiver);
  }
  const fields = ['id', 'name', 'toppings', 'box', 'price'];
  expect(received).toEqual([
    { plan: ['0001_initial'], pizzaFields: fields },
    { plan: [], pizzaFields: fields },
  ]);
});
