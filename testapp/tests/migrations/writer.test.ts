/**
 * Migration files as makemigrations writes them: the same models give the same bytes, every kind of default
 * is written so that it loads back to the same state, and what cannot be written is refused by name.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  BigIntegerField,
  BinaryField,
  CASCADE,
  CharField,
  close,
  configure,
  createSchema,
  DateTimeField,
  DecimalField,
  EmailField,
  ForeignKey,
  JSONField,
  makeMigrations,
  migrate,
  MigrationError,
  Model,
  SET,
  SlugField,
  UUIDField,
} from '../../../src';
import { loadMigrations } from '../../../src/migrations/loader';
import { ProjectState } from '../../../src/migrations/state';
import { ScratchProject } from './helpers';

const projects: ScratchProject[] = [];

afterEach(async () => {
  await close();
  for (const project of projects.splice(0)) project.remove();
});

/** A custom field: stored in migrations as the built-in class it extends. */
class LowercaseField extends CharField {
  override toValue(value: unknown): string {
    return super.toValue(value).toLowerCase();
  }
}

function defineModels(): void {
  class Owner extends Model {
    static override fields = { email: new EmailField({ unique: true }) };
  }
  class Gadget extends Model {
    static override fields = {
      code: new UUIDField({ default: UUIDField.random, unique: true }),
      name: new LowercaseField({ maxLength: 40, default: "it's \"new\"\n" }),
      slug: new SlugField(),
      price: new DecimalField({ maxDigits: 8, decimalPlaces: 2, default: '9.99' }),
      serial: new BigIntegerField({ default: 9007199254740993n }),
      settings: new JSONField({ default: () => ({ colours: ['red', 'blue'], size: { w: 1, h: 2 } }) }),
      blob: new BinaryField({ default: Buffer.from([0, 1, 254]) }),
      launched: new DateTimeField({ default: new Date('2024-05-06T07:08:09.010Z') }),
      owner: new ForeignKey(() => Owner, { onDelete: SET(0), default: 0, relatedName: 'gadgets' }),
      backup: new ForeignKey(() => Owner, { onDelete: CASCADE, null: true, relatedName: '+' }),
    };
    static override meta = { ordering: ['-launched', 'name'], indexes: [{ fields: ['slug', '-launched'], unique: true }] };
  }
  void Gadget._meta;
}

function writeOnce(): { project: ScratchProject; source: string } {
  const project = new ScratchProject('threadorm-writer-');
  projects.push(project);
  const made = makeMigrations({ migrations: project.migrations });
  const source = readFileSync(made.migrations[0]!.path, 'utf8');
  expect(source).toBe(made.migrations[0]!.source);
  return { project, source };
}

test('the same models write byte-identical files, and a dry run shows those bytes', async () => {
  configure({ database: ':memory:', models: [] });
  defineModels();
  const first = writeOnce();
  await close();
  configure({ database: ':memory:', models: [] });
  defineModels();
  const second = writeOnce();
  expect(second.source).toBe(first.source);
  const dry = new ScratchProject('threadorm-writer-dry-');
  projects.push(dry);
  expect(makeMigrations({ migrations: dry.migrations, dryRun: true }).migrations[0]!.source).toBe(first.source);
  expect(() => readFileSync(join(dry.migrations, '0001_initial.ts'))).toThrow();
});

test('every kind of default is written as source that loads back to the same state', () => {
  configure({ database: ':memory:', models: [] });
  defineModels();
  const { project, source } = writeOnce();
  expect(source).toContain('code: new UUIDField({ unique: true, default: UUIDField.random }),');
  expect(source).toContain(`name: new CharField({ maxLength: 40, default: 'it\\'s "new"\\n' }),`);
  expect(source).toContain('slug: new SlugField(),');
  expect(source).toContain("price: new DecimalField({ maxDigits: 8, decimalPlaces: 2, default: '9.99' }),");
  expect(source).toContain('serial: new BigIntegerField({ default: 9007199254740993n }),');
  expect(source).toContain("settings: new JSONField({ default: () => ({ colours: ['red', 'blue'], size: { w: 1, h: 2 } }) }),");
  expect(source).toContain("blob: new BinaryField({ default: Buffer.from('AAH+', 'base64') }),");
  expect(source).toContain("launched: new DateTimeField({ default: new Date('2024-05-06T07:08:09.010Z') }),");
  expect(source).toContain("owner: new ForeignKey(byLabel('Owner'), { onDelete: SET(0), default: 0, relatedName: 'gadgets' }),");
  expect(source).toContain(
    "      options: {\n        ordering: ['-launched', 'name'],\n        indexes: [{ name: 'gadget_slug_launched_idx', fields: ['slug', '-launched'], unique: true }],\n      },",
  );
  expect(source).toMatch(/^import \{\n {2}AutoField,\n {2}BigIntegerField,\n {2}BinaryField,\n {2}CASCADE,\n/m);
  const replayed = loadMigrations(project.migrations).graph.stateAt();
  const current = ProjectState.fromApps();
  for (const label of current.labels) expect(replayed.model(label, 'test').source).toBe(current.model(label, 'test').source);
  expect(makeMigrations({ migrations: project.migrations, check: true }).changes).toEqual([]);
});

test('a default that cannot stand alone in a file is refused, naming the field', () => {
  configure({ database: ':memory:', models: [] });
  const helpers = {
    token(): string {
      return 'x';
    },
  };
  class Ticket extends Model {
    static override fields = { token: new CharField({ maxLength: 10, default: helpers.token }) };
  }
  void Ticket._meta;
  const project = new ScratchProject('threadorm-writer-refused-');
  projects.push(project);
  expect(() => makeMigrations({ migrations: project.migrations })).toThrow(MigrationError);
  expect(() => makeMigrations({ migrations: project.migrations })).toThrow(
    /Ticket\.token option default: the function token cannot be copied into a migration file \(a method or native function\)\. Export it from a models module \(the migration then imports it\), or use an arrow function/,
  );
});

test('a second makemigrations finds nothing and writes nothing', () => {
  configure({ database: ':memory:', models: [] });
  defineModels();
  const { project } = writeOnce();
  const lines: string[] = [];
  expect(makeMigrations({ migrations: project.migrations, log: (line) => lines.push(line) }).migrations).toEqual([]);
  expect(lines).toEqual(['No changes detected.']);
});

test('--empty writes a migration to fill in by hand, after the latest one', () => {
  configure({ database: ':memory:', models: [] });
  defineModels();
  const { project } = writeOnce();
  const empty = makeMigrations({ migrations: project.migrations, empty: true, name: 'backfill' }).migrations[0]!;
  expect(empty.name).toBe('0002_backfill');
  const source = readFileSync(empty.path, 'utf8');
  expect(source).toContain("dependencies: ['0001_initial'],");
  expect(source).toContain("// new RunCode((apps) => { const Pizza = apps.getModel('Pizza'); ... }, RunCode.noop),");
  expect(loadMigrations(project.migrations).graph.get('0002_backfill').operations).toEqual([]);
  expect(() => makeMigrations({ migrations: project.migrations, name: 'bad name' })).toThrow(/may use letters, digits and '_' only/);
});

// Every field type, option and relation kind of the example app (modules that reuse a class name go one at a time).
test.each([[['models', 'inventory', 'asyncmodels']], [['relations']], [['parity']]])('the models of %j round-trip: one migration builds the schema createSchema() makes', async (names) => {
  const modules = names.map((name) => require.resolve(`../../${name}`));
  const migrated = new ScratchProject('threadorm-writer-all-');
  const created = new ScratchProject('threadorm-writer-all-created-');
  projects.push(migrated, created);
  configure({ database: migrated.database, models: modules });
  const made = makeMigrations({ migrations: migrated.migrations });
  expect(made.changes.length).toBeGreaterThan(5);
  if (names.includes('relations')) {
    // A function default that a models module exports is imported from it, as Django imports a callable.
    const relations = relative(migrated.migrations, require.resolve('../../relations')).replace(/\.ts$/, '');
    expect(made.migrations[0]!.source).toContain(`import { fallbackTargetPk } from '${relations}';`);
    expect(made.migrations[0]!.source).toContain('onDelete: SET_DEFAULT, null: true, default: fallbackTargetPk');
  }
  expect(makeMigrations({ migrations: migrated.migrations, check: true }).changes).toEqual([]);
  migrate({ migrations: migrated.migrations });
  await close();
  configure({ database: created.database, models: modules });
  createSchema();
  const tables = created.tables();
  expect(migrated.tables()).toEqual([...tables, 'threadorm_migrations'].sort());
  for (const table of tables) {
    expect({ table, shape: migrated.shape(table) }).toEqual({ table, shape: created.shape(table) });
    expect({ table, indexes: migrated.indexes(table) }).toEqual({ table, indexes: created.indexes(table) });
    const keys = (db: ScratchProject) => db.foreignKeys(table);
    expect({ table, keys: keys(migrated) }).toEqual({ table, keys: keys(created) });
  }
});
