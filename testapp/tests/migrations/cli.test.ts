/**
 * The command line as a user runs it: `threadorm <command>` spawned in a project folder with a
 * threadorm.config.ts, stdin a pipe (no terminal, as in CI), exit statuses and what it prints. The tests of a
 * describe block are one story, each step starting where the previous one left the project.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { close, configure, createSchema, ImproperlyConfigured } from '../../../src';
import { cli } from './cli-helpers';
import { ScratchProject } from './helpers';

jest.setTimeout(180_000);

const MODELS_V1 = `
import { CASCADE, CharField, ForeignKey, Model } from 'threadorm';
export class Box extends Model { static fields = { name: new CharField({ maxLength: 30 }) }; }
export class Pizza extends Model {
  static fields = { name: new CharField({ maxLength: 50 }), box: new ForeignKey(() => Box, { onDelete: CASCADE, null: true }) };
}
`;

/** Pizza.name became title (a possible rename) and a non-null size without a default appeared. */
const MODELS_V2 = MODELS_V1.replace('CharField, ForeignKey', 'CharField, ForeignKey, IntegerField').replace(
  'name: new CharField({ maxLength: 50 }), box',
  'title: new CharField({ maxLength: 50 }), size: new IntegerField(), box',
);

function setUpProject(project: ScratchProject, models: string): void {
  writeFileSync(join(project.directory, 'package.json'), '{ "name": "shop", "private": true }\n');
  writeFileSync(join(project.directory, 'threadorm.config.ts'), `export default { database: ${JSON.stringify(project.configDatabase)}, models: ['./models.ts'] };\n`);
  writeFileSync(join(project.directory, 'models.ts'), models);
}

function migrationFiles(project: ScratchProject): string[] {
  return readdirSync(project.migrations).sort();
}

describe('usage', () => {
  const project = new ScratchProject('threadorm-cli-usage-');
  afterAll(() => project.remove());

  test('no command prints the usage and exits 0', async () => {
    const { status, stdout } = await cli(project.directory, []);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: threadorm <command> [options] [--config PATH]');
    for (const command of ['makemigrations', 'migrate', 'showmigrations', 'sqlmigrate']) expect(stdout).toContain(`threadorm ${command}`);
  });

  test('an unknown command or option exits 2 and says what was wrong', async () => {
    const unknown = await cli(project.directory, ['migrat']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'migrat'. Did you mean 'migrate'?");
    const option = await cli(project.directory, ['migrate', '--fak']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("threadorm migrate: unknown option --fak. Did you mean 'fake'?");
    const missing = await cli(project.directory, ['sqlmigrate']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('threadorm sqlmigrate needs NAME');
  });

  test('without a configuration file it exits 1 and says which file to create', async () => {
    writeFileSync(join(project.directory, 'package.json'), '{ "private": true }\n');
    const { status, stderr } = await cli(project.directory, ['showmigrations']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^Error: No threadorm\.config\.ts \(or \.js\) in .*Create one, `export default \{ database: 'app\.sqlite3'/);
  });
});

describe('a project from its first migration', () => {
  const project = new ScratchProject('threadorm-cli-', 'data/shop.sqlite3');
  beforeAll(() => setUpProject(project, MODELS_V1));
  afterAll(() => project.remove());

  test('makemigrations writes 0001_initial and says what it holds', async () => {
    const { status, stdout, stderr } = await cli(project.directory, ['makemigrations']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe('Migrations written:\n  migrations/0001_initial.ts\n    - Create model Box\n    - Create model Pizza\n');
    expect(migrationFiles(project)).toEqual(['0001_initial.ts']);
    // makemigrations does not create the database.
    expect(existsSync(join(project.directory, 'data'))).toBe(false);
  });

  test('showmigrations and migrate --plan show what is pending; migrate applies it and says how long it took', async () => {
    expect((await cli(project.directory, ['showmigrations'])).stdout).toBe(' [ ] 0001_initial\n');
    const plan = await cli(project.directory, ['migrate', '--plan']);
    expect(plan.stdout).toBe('Planned operations:\n0001_initial\n    Create model Box\n    Create model Pizza\n');
    const { status, stdout } = await cli(project.directory, ['migrate']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Operations to perform:\n  Apply all migrations: 1 migration to apply\nRunning migrations:\n  Applying 0001_initial\.\.\. OK \(\d+ ms\)\nDone in \d+(\.\d)? m?s\.\n$/);
    expect((await cli(project.directory, ['showmigrations'])).stdout).toBe(' [X] 0001_initial\n');
    expect((await cli(project.directory, ['migrate'])).stdout).toContain('  No migrations to apply.');
  });

  test('without a terminal, a possible rename and a missing default are errors that name the flags; nothing is written', async () => {
    writeFileSync(join(project.directory, 'models.ts'), MODELS_V2);
    const { status, stdout, stderr } = await cli(project.directory, ['makemigrations']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('makemigrations has questions only you can answer, and no terminal to ask them on');
    expect(stderr).toContain('Pizza.name is gone and Pizza.title is new, both CharField: was it renamed? --rename Pizza.name=title');
    expect(stderr).toContain('--no-rename drops name and its data and adds title');
    expect(stderr).toContain('Pizza.size is a new non-null field without a default, and existing rows need a value: --default Pizza.size=VALUE');
    expect(migrationFiles(project)).toEqual(['0001_initial.ts']);
  });

  test('makemigrations --check exits 1 and names the changes (CI); migrate warns about them', async () => {
    const check = await cli(project.directory, ['makemigrations', '--check']);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('Changes that no migration has yet:');
    expect(check.stdout).toContain('    - Remove field name from Pizza\n    - Add field title to Pizza\n    - Add field size to Pizza\n');
    const migrated = await cli(project.directory, ['migrate']);
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toContain('Your models have changes that are not yet reflected in a migration, and so are not applied:\n  - Remove field name from Pizza');
    expect(migrated.stdout).toContain("Run 'threadorm makemigrations' to make a migration for them");
    expect(migrationFiles(project)).toEqual(['0001_initial.ts']);
  });

  test('flags answer the questions: the rename keeps the column and its rows', async () => {
    project.run("INSERT INTO box (name) VALUES ('large'); INSERT INTO pizza (name, box_id) VALUES ('Margherita', 1)");
    project.close();
    const { status, stdout } = await cli(project.directory, ['makemigrations', '--rename', 'Pizza.name=title', '--default=Pizza.size=2']);
    expect(status).toBe(0);
    expect(stdout).toBe(
      'Migrations written:\n  migrations/0002_rename_name_pizza_title_pizza_size.ts\n    - Rename field name on Pizza to title\n    - Add field size to Pizza\n',
    );
    expect((await cli(project.directory, ['makemigrations', '--check'])).stdout).toBe('No changes detected.\n');
    expect((await cli(project.directory, ['makemigrations', '--check'])).status).toBe(0);
  });

  test('sqlmigrate prints the SQL of a migration, forwards and backwards, without running it', async () => {
    const forwards = await cli(project.directory, ['sqlmigrate', '0002']);
    expect(forwards.status).toBe(0);
    expect(forwards.stdout).toContain('BEGIN;\n--\n-- Rename field name on Pizza to title\n--\nALTER TABLE "pizza" RENAME COLUMN "name" TO "title";\n');
    expect(forwards.stdout).toContain(`INSERT INTO "new__pizza" ("id", "title", "box_id", "size") SELECT "id", "title", "box_id", 2 FROM "pizza";`);
    expect(forwards.stdout).toMatch(/COMMIT;\n$/);
    const backwards = await cli(project.directory, ['sqlmigrate', '0002_rename_name_pizza_title_pizza_size', '--backwards']);
    expect(backwards.stdout).toContain('-- Undo Add field size to Pizza');
    expect(backwards.stdout).toContain('ALTER TABLE "pizza" RENAME COLUMN "title" TO "name";');
    expect(backwards.stdout.indexOf('Undo Add field')).toBeLessThan(backwards.stdout.indexOf('Undo Rename field'));
    expect((await cli(project.directory, ['showmigrations'])).stdout).toBe(' [X] 0001_initial\n [ ] 0002_rename_name_pizza_title_pizza_size\n');
    const unknown = await cli(project.directory, ['sqlmigrate', '0009']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Error: There is no migration '0009'");
  });

  test('migrate forwards, back to a target, to zero and forwards again; the rows survive the rename both ways', async () => {
    const up = await cli(project.directory, ['migrate']);
    expect(up.stdout).toMatch(/Applying 0002_rename_name_pizza_title_pizza_size\.\.\. OK \(\d+ ms\)/);
    expect(project.all('SELECT title, size FROM pizza')).toEqual([{ title: 'Margherita', size: 2 }]);
    project.close();
    const back = await cli(project.directory, ['migrate', '0001']);
    expect(back.stdout).toContain('  Target 0001: 1 migration to unapply\nRunning migrations:\n  Unapplying 0002_rename_name_pizza_title_pizza_size... OK');
    expect(project.all('SELECT * FROM pizza')).toEqual([{ id: 1, name: 'Margherita', box_id: 1 }]);
    project.close();
    const zero = await cli(project.directory, ['migrate', 'zero']);
    expect(zero.stdout).toContain('Unapply all migrations: 1 migration to unapply');
    expect(project.tables()).toEqual(['threadorm_migrations']);
    project.close();
    const again = await cli(project.directory, ['migrate']);
    expect(again.stdout).toContain('Apply all migrations: 2 migrations to apply');
    expect(project.tables()).toEqual(['box', 'pizza', 'threadorm_migrations']);
    project.close();
  });

  test('--interactive asks on standard input: a rename answered y, a one-off default typed in', async () => {
    writeFileSync(
      join(project.directory, 'models.ts'),
      MODELS_V2.replace("Box extends Model { static fields = { name: new CharField({ maxLength: 30 }) }", "Box extends Model { static fields = { label: new CharField({ maxLength: 30 }), capacity: new IntegerField() }"),
    );
    const { status, stdout } = await cli(project.directory, ['makemigrations', '--interactive'], 'y\n1\n6 * 2\n');
    expect(status).toBe(0);
    expect(stdout).toContain('Was Box.name renamed to Box.label (a CharField)? [y/N] ');
    expect(stdout).toContain('It is impossible to add the non-null field Box.capacity without a default: the existing rows need a value.');
    expect(stdout).toContain('  1) Provide a one-off default now');
    expect(stdout).toContain('Migrations written:\n  migrations/0003_rename_name_box_label_box_capacity.ts');
    const source = readFileSync(join(project.migrations, '0003_rename_name_box_label_box_capacity.ts'), 'utf8');
    expect(source).toContain("new RenameField({ modelName: 'Box', oldName: 'name', newName: 'label' })");
    expect(source).toContain("new AddField({ modelName: 'Box', name: 'capacity', field: new IntegerField({ default: 12 }), preserveDefault: false })");
  });

  test('answers that end too early stop makemigrations without writing anything', async () => {
    writeFileSync(join(project.directory, 'models.ts'), readFileSync(join(project.directory, 'models.ts'), 'utf8').replace('capacity:', 'volume:'));
    const { status, stderr } = await cli(project.directory, ['makemigrations', '--interactive'], '');
    expect(status).toBe(1);
    expect(stderr).toContain('the input ended before the question was answered; nothing was written');
    expect(migrationFiles(project)).toHaveLength(3);
  });

  test('two branches are a conflict that migrate refuses; makemigrations --merge joins them', async () => {
    writeFileSync(join(project.directory, 'models.ts'), readFileSync(join(project.directory, 'models.ts'), 'utf8').replace('volume:', 'capacity:'));
    const leaf = '0003_rename_name_box_label_box_capacity';
    const branch = (name: string) =>
      writeFileSync(join(project.migrations, `${name}.ts`), `import { Migration } from 'threadorm/migrations';\nexport default new Migration({ dependencies: ['${leaf}'], operations: [] });\n`);
    branch('0004_alice');
    branch('0004_bob');
    const refused = await cli(project.directory, ['migrate']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Conflicting migrations: the history branches into 0004_alice, 0004_bob (each is the latest of its branch). Run 'threadorm makemigrations --merge' to join them.");
    expect((await cli(project.directory, ['makemigrations'])).status).toBe(1);
    const merged = await cli(project.directory, ['makemigrations', '--merge']);
    expect(merged.status).toBe(0);
    expect(merged.stdout).toContain('migrations/0005_merge_0004_alice_0004_bob.ts');
    expect(readFileSync(join(project.migrations, '0005_merge_0004_alice_0004_bob.ts'), 'utf8')).toContain("dependencies: ['0004_alice', '0004_bob']");
    const migrated = await cli(project.directory, ['migrate']);
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/Applying 0004_alice\.\.\. OK[\s\S]*Applying 0004_bob\.\.\. OK[\s\S]*Applying 0005_merge_0004_alice_0004_bob\.\.\. OK/);
    expect((await cli(project.directory, ['makemigrations', '--merge'])).stdout).toBe('No conflicts detected to merge.\n');
  });

  test('--config names the configuration from anywhere', async () => {
    const elsewhere = join(project.directory, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'package.json'), '{ "private": true }\n');
    const { status, stdout } = await cli(elsewhere, ['showmigrations', '--config', '../threadorm.config.ts']);
    expect(status).toBe(0);
    expect(stdout).toContain(' [X] 0005_merge_0004_alice_0004_bob');
  });
});

describe('a database made by createSchema()', () => {
  const project = new ScratchProject('threadorm-cli-adopt-', 'data/shop.sqlite3');
  beforeAll(async () => {
    setUpProject(project, MODELS_V1);
    expect((await cli(project.directory, ['makemigrations'])).status).toBe(0);
    mkdirSync(join(project.directory, 'data'));
    configure({ database: project.database, models: [join(project.directory, 'models.ts')] });
    createSchema();
    await close();
  });
  afterAll(async () => {
    await close();
    project.remove();
  });

  test('migrate stops at the existing tables and points to --fake-initial', async () => {
    const { status, stderr } = await cli(project.directory, ['migrate']);
    expect(status).toBe(1);
    expect(stderr).toContain("tables 'box', 'pizza' of 0001_initial exist already (a database made by createSchema()?)");
    expect(stderr).toContain("'migrate --fake-initial' marks it applied without running it");
  });

  test('migrate --fake-initial marks the initial migration applied; createSchema() then refuses', async () => {
    const { status, stdout } = await cli(project.directory, ['migrate', '--fake-initial']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Applying 0001_initial\.\.\. FAKED/);
    expect((await cli(project.directory, ['showmigrations'])).stdout).toBe(' [X] 0001_initial\n');
    configure({ database: project.database, models: [join(project.directory, 'models.ts')] });
    expect(() => createSchema()).toThrow(ImproperlyConfigured);
    expect(() => createSchema()).toThrow(/this database's schema is managed by migrations \(1 applied, the latest 0001_initial\)\. Use migrate\(\)/);
  });
});
